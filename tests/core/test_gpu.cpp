// SPDX-License-Identifier: GPL-3.0-or-later
// GPU checks (ctest label `gpu`): CUDA results equal the CPU ones for a matrix product, the
// Stable-Diffusion-family UNet and the text-to-image pipeline (sd-tiny fixtures), and a latent
// DP-SAPF smoke run completes on the device. Qt-free, so that it builds on GPU machines without
// Qt. Exits 77 (skipped by CTest) when this build or machine has no CUDA device.
#include "dpsapf/core/run_pipeline.h"
#include "io/torch_tensors.h"
#include "model/sd/stable_diffusion.h"
#include "model/sd/text_to_image.h"

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

void latentSmokeRunCompletes()
{
    const fs::path dir = fs::temp_directory_path() / "dpsapf-gpu-smoke";
    fs::remove_all(dir);
    Expected<RunConfig> config = presetConfig("smoke");
    config = applyOverride(config.value(), "public_model=" + kFixtures.string());
    config = applyOverride(config.value(), "device=cuda");
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
    std::printf("  latent DP-SAPF smoke run on cuda: completed (%s)\n", dir.c_str());
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
        {"latentSmokeRunCompletes", latentSmokeRunCompletes},
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
