// SPDX-License-Identifier: GPL-3.0-or-later
// SmallResNet training and testing for the downstream-accuracy metric.
#include "eval/downstream_classifier.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

namespace dpsapf::core {
namespace {

namespace nn = torch::nn;

class BasicBlockImpl : public nn::Module
{
public:
    BasicBlockImpl(std::int64_t in, std::int64_t out, std::int64_t stride)
    {
        m_conv1 = register_module(
            "conv1",
            nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
        m_bn1 = register_module("bn1", nn::BatchNorm2d(out));
        m_conv2 = register_module(
            "conv2", nn::Conv2d(nn::Conv2dOptions(out, out, 3).padding(1).bias(false)));
        m_bn2 = register_module("bn2", nn::BatchNorm2d(out));
        m_shortcut = register_module(
            "shortcut", nn::Conv2d(nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)));
        m_shortcutBn = register_module("shortcut_bn", nn::BatchNorm2d(out));
    }

    torch::Tensor forward(const torch::Tensor &x)
    {
        const torch::Tensor h = torch::relu(m_bn1(m_conv1(x)));
        return torch::relu(m_bn2(m_conv2(h)) + m_shortcutBn(m_shortcut(x)));
    }

private:
    nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_shortcut{nullptr};
    nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr}, m_shortcutBn{nullptr};
};
TORCH_MODULE(BasicBlock);

class SmallResNetImpl : public nn::Module
{
public:
    SmallResNetImpl(std::int64_t channels, std::int64_t height, std::int64_t width,
                    std::int64_t classes)
    {
        m_stem = register_module(
            "stem", nn::Conv2d(nn::Conv2dOptions(channels, 16, 3).padding(1).bias(false)));
        m_stemBn = register_module("stem_bn", nn::BatchNorm2d(16));
        m_block1 = register_module("block1", BasicBlock(16, 32, 2));
        m_block2 = register_module("block2", BasicBlock(32, 64, 2));
        // Two stride-2 blocks: (H + 3) / 4 x (W + 3) / 4 positions (7 x 7 for 28 x 28).
        m_head = register_module("head",
                                 nn::Linear(64 * ((height + 3) / 4) * ((width + 3) / 4), classes));
    }

    torch::Tensor forward(const torch::Tensor &x)
    {
        torch::Tensor h = torch::relu(m_stemBn(m_stem(x)));
        h = m_block2(m_block1(h));
        return m_head(h.flatten(1));
    }

private:
    nn::Conv2d m_stem{nullptr};
    nn::BatchNorm2d m_stemBn{nullptr};
    BasicBlock m_block1{nullptr}, m_block2{nullptr};
    nn::Linear m_head{nullptr};
};
TORCH_MODULE(SmallResNet);

torch::Tensor toInput(const torch::Tensor &images, std::int64_t channels)
{
    torch::Tensor x = images.to(torch::kFloat32) / 255.0;
    if (x.size(1) == 3 && channels == 1) {
        x = x.select(1, 0).unsqueeze(1) * 0.299 + x.select(1, 1).unsqueeze(1) * 0.587 +
            x.select(1, 2).unsqueeze(1) * 0.114;
    } else if (x.size(1) == 1 && channels == 3) {
        x = x.repeat({1, 3, 1, 1});
    }
    return x * 2.0 - 1.0;
}

double accuracy(SmallResNet &net, const torch::Tensor &images, const torch::Tensor &labels,
                std::int64_t channels)
{
    if (images.size(0) == 0) {
        return 0.0;
    }
    torch::NoGradGuard noGrad;
    net->eval();
    std::int64_t correct = 0;
    for (std::int64_t first = 0; first < images.size(0); first += 512) {
        const torch::Tensor x = toInput(images.slice(0, first, first + 512), channels);
        const torch::Tensor predicted = net->forward(x).argmax(1);
        correct += predicted.eq(labels.slice(0, first, first + 512)).sum().item<std::int64_t>();
    }
    return static_cast<double>(correct) / static_cast<double>(images.size(0));
}

} // namespace

std::string classifierDescription()
{
    return "SmallResNet (conv16, BasicBlocks 32/64 stride 2, BN, linear head on the 64 x H/4 x W/4 "
           "map; Adam 1e-3 halved every epoch, batch 128, no augmentation)";
}

Expected<ClassifierResult>
trainAndTestClassifier(const torch::Tensor &trainImages, const torch::Tensor &trainLabels,
                       const torch::Tensor &testImages, const torch::Tensor &testLabels,
                       std::int64_t classes, const ClassifierSettings &settings,
                       const std::atomic<bool> *stop,
                       const std::function<void(const std::string &)> &progress)
{
    const auto start = std::chrono::steady_clock::now();
    if (trainImages.dim() != 4 || testImages.dim() != 4 ||
        trainImages.size(0) != trainLabels.size(0) || testImages.size(0) != testLabels.size(0)) {
        return makeError(ErrorCode::InvalidArgument,
                         "classifier: images [N, C, H, W] with one label each are needed");
    }
    if (trainImages.size(2) != testImages.size(2) || trainImages.size(3) != testImages.size(3)) {
        return makeError(ErrorCode::InvalidArgument,
                         fmt::format("classifier: training images are {}x{} but test images {}x{}",
                                     trainImages.size(3), trainImages.size(2), testImages.size(3),
                                     testImages.size(2)));
    }
    if (trainImages.size(0) < 2 || testImages.size(0) < 1 || classes < 2 || settings.epochs < 1 ||
        settings.batchSize < 1 || settings.validationFraction <= 0.0 ||
        settings.validationFraction >= 1.0) {
        return makeError(ErrorCode::InvalidArgument,
                         "classifier: needs >= 2 training images, >= 1 test image, >= 2 classes, "
                         "epochs >= 1, batch >= 1 and 0 < validation fraction < 1");
    }
    if (trainLabels.min().item<std::int64_t>() < 0 ||
        trainLabels.max().item<std::int64_t>() >= classes ||
        testLabels.min().item<std::int64_t>() < 0 ||
        testLabels.max().item<std::int64_t>() >= classes) {
        return makeError(ErrorCode::InvalidArgument, "classifier: a label is outside the classes");
    }
    const std::int64_t channels = testImages.size(1);
    const std::int64_t n = trainImages.size(0);
    const auto held = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(static_cast<double>(n) * settings.validationFraction));
    auto splitGenerator = at::make_generator<at::CPUGeneratorImpl>(0);
    const torch::Tensor order = torch::randperm(n, splitGenerator, torch::kInt64);
    const torch::Tensor validationIndex = order.slice(0, 0, held);
    const torch::Tensor trainIndex = order.slice(0, held);
    const torch::Tensor validationImages = trainImages.index_select(0, validationIndex);
    const torch::Tensor validationLabels = trainLabels.index_select(0, validationIndex);
    const torch::Tensor images = trainImages.index_select(0, trainIndex);
    const torch::Tensor labels = trainLabels.index_select(0, trainIndex);

    torch::manual_seed(settings.seed);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(settings.seed);
    SmallResNet net(channels, testImages.size(2), testImages.size(3), classes);
    torch::optim::Adam optimizer(net->parameters(),
                                 torch::optim::AdamOptions(settings.learningRate));
    ClassifierResult result;
    result.trainImages = images.size(0);
    result.validationImages = held;
    result.testImages = testImages.size(0);
    double bestValidation = -1.0;
    for (std::int64_t epoch = 1; epoch <= settings.epochs; ++epoch) {
        // The learning rate halves every epoch.
        for (auto &group : optimizer.param_groups()) {
            static_cast<torch::optim::AdamOptions &>(group.options())
                .lr(settings.learningRate * std::pow(0.5, static_cast<double>(epoch - 1)));
        }
        net->train();
        const torch::Tensor permutation = torch::randperm(images.size(0), generator, torch::kInt64);
        for (std::int64_t first = 0; first < images.size(0); first += settings.batchSize) {
            if (stop != nullptr && stop->load()) {
                return makeError(ErrorCode::Cancelled, "classifier training was stopped");
            }
            const torch::Tensor index = permutation.slice(0, first, first + settings.batchSize);
            if (index.size(0) < 2) {
                continue; // BatchNorm needs two samples
            }
            const torch::Tensor x = toInput(images.index_select(0, index), channels);
            const torch::Tensor loss =
                torch::cross_entropy_loss(net->forward(x), labels.index_select(0, index));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        const double validation = accuracy(net, validationImages, validationLabels, channels);
        result.validationCurve.push_back(validation);
        if (validation >= bestValidation) { // ties: the later epoch
            bestValidation = validation;
            result.selectedEpoch = epoch;
            result.validationAccuracy = validation;
            result.testAccuracy = accuracy(net, testImages, testLabels, channels);
        }
        if (progress) {
            progress(fmt::format("classifier seed {} epoch {}/{}: held-out accuracy {:.4f}",
                                 settings.seed, epoch, settings.epochs, validation));
        }
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

} // namespace dpsapf::core
