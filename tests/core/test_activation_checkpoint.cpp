// SPDX-License-Identifier: GPL-3.0-or-later
// Gradient checkpointing of the SD UNet (model/common/activation_checkpoint.h): the fixture UNet's
// outputs, ordinary gradients, per-record DP gradients, clipped sums and probe norms are the same
// with and without it, and the node refuses a second backward pass with an error.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "model/unet/unet.h"
#include "privacy/per_sample/per_sample_gradients.h"
#include "sd_tiny_fixtures.h"

#include "test_registry.h"

#include <QtTest>

#include <map>
#include <string>

using namespace dpsapf::core;

namespace {

const std::filesystem::path &kFixtures = dpsapf::test::kSdTinyFixtures;

struct Inputs {
    torch::Tensor sample, timesteps, context, outputWeights;
};

Inputs makeInputs(const UNet &unet, std::int64_t records)
{
    torch::manual_seed(7);
    const auto &config = unet->config();
    Inputs inputs;
    inputs.sample = torch::randn({records, config.inChannels, 16, 16});
    inputs.timesteps = torch::randint(0, 1000, {records}, torch::kInt64);
    inputs.context = torch::randn({records, 7, config.crossAttentionDim});
    inputs.outputWeights = torch::randn({records, config.outChannels, 16, 16});
    return inputs;
}

// The fixture UNet with LoRA on all 128 matrices, B non-zero so that every factor gets a gradient.
UNet loraUNet(bool checkpointing)
{
    auto unet = loadUNetFolder(kFixtures / "unet").value();
    auto generator = at::detail::createCPUGenerator(3);
    for (auto &parameter : unet->parameters()) {
        parameter.set_requires_grad(false);
    }
    for (auto &[name, projection] : unet->attentionProjections()) {
        projection->attachLora(2, 2.0, generator);
        torch::NoGradGuard noGrad;
        projection->loraB().normal_(0.0, 0.1, generator);
        projection->loraA().set_requires_grad(true);
        projection->loraB().set_requires_grad(true);
    }
    unet->setGradientCheckpointing(checkpointing);
    return unet;
}

torch::Tensor weightedLoss(UNet &unet, const Inputs &inputs)
{
    const auto output = unet->forward(inputs.sample, inputs.timesteps, inputs.context);
    return (output * inputs.outputWeights).flatten(1).sum(1); // one loss per record
}

double relativeDifference(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a - b).abs().max().item<double>() / std::max(1e-12, b.abs().max().item<double>());
}

void expectSame(const std::map<std::string, torch::Tensor> &withCheckpointing,
                const std::map<std::string, torch::Tensor> &without)
{
    QCOMPARE(withCheckpointing.size(), without.size());
    for (const auto &[name, expected] : without) {
        const auto &actual = withCheckpointing.at(name);
        QVERIFY2(actual.defined() && expected.defined(), name.c_str());
        const double difference = relativeDifference(actual, expected);
        QVERIFY2(difference < 1e-5, (name + ": " + std::to_string(difference)).c_str());
    }
}

// Ordinary autograd: the LoRA factors' .grad and the gradients of the sample and the context.
std::map<std::string, torch::Tensor> plainGradients(bool checkpointing)
{
    auto unet = loraUNet(checkpointing);
    Inputs inputs = makeInputs(unet, 2);
    inputs.sample.set_requires_grad(true);
    inputs.context.set_requires_grad(true);
    const auto losses = weightedLoss(unet, inputs);
    losses.sum().backward();
    std::map<std::string, torch::Tensor> gradients{{"losses", losses.detach()},
                                                   {"sample", inputs.sample.grad()},
                                                   {"context", inputs.context.grad()}};
    for (const auto &item : unet->named_parameters()) {
        if (item.value().requires_grad()) {
            gradients[item.key()] = item.value().grad().clone();
        }
    }
    return gradients;
}

// DP-SGD book-keeping over the LoRA factors: per-record gradients, norms and the clipped sum.
std::map<std::string, torch::Tensor> dpGradients(bool checkpointing, bool probeFullRank)
{
    auto unet = loraUNet(checkpointing);
    std::vector<torch::Tensor> tensors;
    for (auto &[name, projection] : unet->attentionProjections()) {
        if (probeFullRank) {
            projection->weight.set_requires_grad(true);
            tensors.push_back(projection->weight);
        } else {
            tensors.push_back(projection->loraA());
            tensors.push_back(projection->loraB());
        }
    }
    PerSampleConfig clipping;
    clipping.mode = ClipMode::Flat;
    clipping.maxGradNorm = 1e-3; // every record is clipped
    clipping.accumulateClippedSums = !probeFullRank;
    PerSampleGradients recorder(tensors, clipping);
    recorder.setKeepPerRecordGradients(!probeFullRank);
    for (auto &[name, projection] : unet->attentionProjections()) {
        projection->setPerSampleRecorder(&recorder);
    }
    const Inputs inputs = makeInputs(unet, 3);
    recorder.beginMicroBatch(3);
    weightedLoss(unet, inputs).sum().backward();
    std::map<std::string, torch::Tensor> result{{"norms", recorder.endMicroBatch()}};
    if (!probeFullRank) {
        for (int i = 0; i < recorder.tensorCount(); ++i) {
            result["clipped " + std::to_string(i)] = recorder.clippedSum(i);
            result["record " + std::to_string(i)] = recorder.perRecordGradient(i);
        }
    }
    for (auto &[name, projection] : unet->attentionProjections()) {
        projection->setPerSampleRecorder(nullptr);
    }
    return result;
}

} // namespace

class TestActivationCheckpoint final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plainGradientsAreUnchanged();
    void perRecordGradientsAreUnchanged();
    void probeNormsAreUnchanged();
    void inferenceBuildsNoGraph();
    void secondBackwardIsAnError();
};

void TestActivationCheckpoint::plainGradientsAreUnchanged()
{
    const auto without = plainGradients(false);
    QCOMPARE(without.size(), std::size_t(3 + 2 * 128));
    QVERIFY(without.at("sample").abs().sum().item<double>() > 0.0);
    expectSame(plainGradients(true), without);
}

void TestActivationCheckpoint::perRecordGradientsAreUnchanged()
{
    const auto without = dpGradients(false, false);
    QCOMPARE(without.at("norms").size(0), std::int64_t(3));
    QCOMPARE(without.at("norms").size(1), std::int64_t(2 * 128));
    // Each record is recorded exactly once: doubled records would double the squared norms.
    expectSame(dpGradients(true, false), without);
}

void TestActivationCheckpoint::probeNormsAreUnchanged()
{
    const auto without = dpGradients(false, true);
    QCOMPARE(without.at("norms").size(1), std::int64_t(128));
    QVERIFY(without.at("norms").min().item<double>() > 0.0);
    expectSame(dpGradients(true, true), without);
}

void TestActivationCheckpoint::inferenceBuildsNoGraph()
{
    auto plain = loraUNet(false);
    auto checkpointed = loraUNet(true);
    const Inputs inputs = makeInputs(plain, 2);
    torch::NoGradGuard noGrad;
    const auto expected = plain->forward(inputs.sample, inputs.timesteps, inputs.context);
    const auto actual = checkpointed->forward(inputs.sample, inputs.timesteps, inputs.context);
    QVERIFY(!actual.requires_grad());
    QCOMPARE(relativeDifference(actual, expected), 0.0);
}

void TestActivationCheckpoint::secondBackwardIsAnError()
{
    auto unet = loraUNet(true);
    const Inputs inputs = makeInputs(unet, 1);
    const auto loss = weightedLoss(unet, inputs).sum();
    loss.backward({}, /*retain_graph=*/true);
    bool refused = false;
    try {
        loss.backward();
    } catch (const c10::Error &error) {
        refused = std::string(error.what()).find("only once") != std::string::npos;
    }
    QVERIFY(refused);
}

DPSAPF_REGISTER_TEST(TestActivationCheckpoint)
#include "test_activation_checkpoint.moc"
