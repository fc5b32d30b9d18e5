// SPDX-License-Identifier: GPL-3.0-or-later
// GPU checks (ctest label `gpu`): CUDA results equal the CPU ones for a matrix product, the
// Stable-Diffusion-family UNet and the text-to-image pipeline (sd-tiny fixtures), per-record DP
// norms with gradient checkpointing (fp32 and bf16 frozen weights) match the CPU, and latent
// DP-SAPF smoke runs complete on the device with fp32, fp16 and bf16 frozen weights. Qt-free, so
// that it builds on GPU machines without Qt. Exits 77 (skipped by CTest) when this build or machine
// has no CUDA device.
#include "dpsapf/core/run_pipeline.h"
#include "io/torch_tensors.h"
#include "model/sd/stable_diffusion.h"
#include "model/sd/text_to_image.h"
#include "privacy/per_sample/per_sample_gradients.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

using namespace dpsapf::core;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = DPSAPF_TEST_DATA_DIR "/sd-tiny";

torch::Tensor npy(const fs::path &path)
{
    Expected<torch::Tensor> tensor = loadNpyTensor(path);
    if (!tensor) {
        throw std::runtime_error(tensor.error().message);
    }
    return tensor.value();
}

void expectClose(const torch::Tensor &actual, const torch::Tensor &expected, double tolerance,
                 const std::string &what)
{
    const double difference = (actual.to(torch::kCPU) - expected).abs().max().item<double>();
    std::printf("  %s: max |difference| %.3g (tolerance %.1g)\n", what.c_str(), difference,
                tolerance);
    if (!(difference <= tolerance)) {
        throw std::runtime_error(what + ": outside the tolerance");
    }
}

void matmulMatchesCpu()
{
    torch::manual_seed(0);
    const torch::Tensor a = torch::randn({256, 384});
    const torch::Tensor b = torch::randn({384, 128});
    expectClose(torch::matmul(a.cuda(), b.cuda()), torch::matmul(a, b), 1e-2, "matmul");
}

void unetMatchesTheFixture()
{
    Expected<StableDiffusionModel> model = loadStableDiffusion(kFixtures);
    if (!model) {
        throw std::runtime_error(model.error().message);
    }
    moveStableDiffusion(model.value(), torch::Device(torch::kCUDA, 0));
    torch::NoGradGuard noGrad;
    const fs::path unet = kFixtures / "unet";
    const torch::Tensor out = model.value().unet->forward(
        npy(unet / "sample.npy").cuda(), npy(unet / "timestep.npy").cuda(),
        npy(unet / "encoder_hidden_states.npy").cuda());
    expectClose(out, npy(unet / "out.npy"), 1e-4, "UNet forward (sd-tiny/unet)");

    const fs::path run = kFixtures / "pipeline_run";
    PromptSamplingOptions options;
    options.sampler = SamplerKind::Ddim;
    options.steps = 3;
    options.guidanceScale = 7.5;
    const PromptSamplingResult result =
        sampleFromPrompts(model.value(), {"a photo of an astronaut riding a horse on mars"}, {},
                          npy(run / "init_latents.npy"), options);
    expectClose(result.images.permute({0, 2, 3, 1}), npy(run / "ddim_image.npy"), 1e-3,
                "text-to-image, DDIM (sd-tiny/pipeline_run)");
}

// Per-record squared LoRA gradient norms of the fixture UNet on `device` (DP book-keeping).
torch::Tensor perRecordNorms(const torch::Device &device, bool checkpointing,
                             torch::ScalarType frozenType)
{
    Expected<StableDiffusionModel> model = loadStableDiffusion(kFixtures);
    if (!model) {
        throw std::runtime_error(model.error().message);
    }
    UNet unet = model.value().unet;
    auto generator = at::detail::createCPUGenerator(3);
    std::vector<torch::Tensor> factors;
    for (auto &[name, projection] : unet->attentionProjections()) {
        projection->attachLora(2, 2.0, generator);
        torch::NoGradGuard noGrad;
        projection->loraB().normal_(0.0, 0.1, generator);
    }
    unet->to(device);
    unet->setGradientCheckpointing(checkpointing);
    unet->setFrozenWeightType(frozenType);
    for (auto &[name, projection] : unet->attentionProjections()) {
        projection->loraA().set_requires_grad(true);
        projection->loraB().set_requires_grad(true);
        factors.push_back(projection->loraA());
        factors.push_back(projection->loraB());
    }
    PerSampleGradients recorder(factors, PerSampleConfig{});
    for (auto &[name, projection] : unet->attentionProjections()) {
        projection->setPerSampleRecorder(&recorder);
    }
    torch::manual_seed(11);
    const torch::Tensor sample = torch::randn({4, 4, 16, 16});
    const torch::Tensor timesteps = torch::randint(0, 1000, {4}, torch::kInt64);
    const torch::Tensor context = torch::randn({4, 7, unet->config().crossAttentionDim});
    const torch::Tensor weights = torch::randn({4, 4, 16, 16});
    recorder.beginMicroBatch(4);
    const torch::Tensor output =
        unet->forward(sample.to(device), timesteps.to(device), context.to(device));
    (output * weights.to(device)).sum().backward();
    torch::Tensor norms = recorder.endMicroBatch().to(torch::kCPU, torch::kDouble);
    for (auto &[name, projection] : unet->attentionProjections()) {
        projection->setPerSampleRecorder(nullptr);
    }
    return norms;
}

void perRecordNormsMatchCpu()
{
    const torch::Tensor cpu = perRecordNorms(torch::kCPU, false, torch::kFloat);
    const torch::Device cuda(torch::kCUDA, 0);
    const auto relative = [&](const torch::Tensor &norms) {
        return ((norms - cpu).abs() / cpu.abs().clamp_min(1e-12)).max();
    };
    expectClose(relative(perRecordNorms(cuda, true, torch::kFloat)), torch::zeros({}), 1e-3,
                "per-record norms, cuda + checkpointing vs cpu (relative)");
    expectClose(relative(perRecordNorms(cuda, true, torch::kBFloat16)), torch::zeros({}), 0.1,
                "per-record norms, cuda bf16 + checkpointing vs cpu fp32 (relative)");
}

void latentSmokeRunCompletes(const std::string &frozenPrecision)
{
    const fs::path dir = fs::temp_directory_path() / ("dpsapf-gpu-smoke-" + frozenPrecision);
    fs::remove_all(dir);
    Expected<RunConfig> config = presetConfig("smoke");
    config = applyOverride(config.value(), "public_model=" + kFixtures.string());
    config = applyOverride(config.value(), "device=cuda");
    config = applyOverride(config.value(), "frozen_precision=" + frozenPrecision);
    if (!config) {
        throw std::runtime_error(config.error().message);
    }
    if (auto prepared = prepareRun(config.value(), dir, RunOpenMode::Create, {}); !prepared) {
        throw std::runtime_error(prepared.error().message);
    }
    Expected<RunOutcome> outcome = runRemainingStages(dir, nullptr, {});
    if (!outcome || outcome.value() != RunOutcome::Completed) {
        throw std::runtime_error(outcome ? "the run did not complete" : outcome.error().message);
    }
    std::printf("  latent DP-SAPF smoke run on cuda, %s frozen weights, checkpointing: "
                "completed (%s)\n",
                frozenPrecision.c_str(), dir.c_str());
    fs::remove_all(dir);
}

} // namespace

int main()
{
    if (!torch::cuda::is_available()) {
        std::puts("SKIP: no CUDA device");
        return 77;
    }
    // Compare float32 against float32: TF32 would change results at the 1e-3 level.
    at::globalContext().setAllowTF32CuBLAS(false);
    at::globalContext().setAllowTF32CuDNN(false);
    const std::vector<std::pair<const char *, std::function<void()>>> checks{
        {"matmulMatchesCpu", matmulMatchesCpu},
        {"unetMatchesTheFixture", unetMatchesTheFixture},
        {"perRecordNormsMatchCpu", perRecordNormsMatchCpu},
        {"latentSmokeRunCompletes", [] { latentSmokeRunCompletes("fp32"); }},
        {"latentSmokeRunCompletesFp16", [] { latentSmokeRunCompletes("fp16"); }},
        {"latentSmokeRunCompletesBf16", [] { latentSmokeRunCompletes("bf16"); }},
    };
    int failures = 0;
    for (const auto &[name, check] : checks) {
        try {
            check();
            std::printf("PASS   %s\n", name);
        } catch (const std::exception &error) {
            std::printf("FAIL   %s: %s\n", name, error.what());
            ++failures;
        }
    }
    return failures == 0 ? 0 : 1;
}
