// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf bench dp-step|privacy|unet|sd-unet|frechet|fid`.
#include "bench_command.h"

#include "cli_app.h"
#include "dpsapf/core/benchmarks.h"
#include "dpsapf/core/evaluation.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace dpsapf::app {
namespace {

nlohmann::json machineJson()
{
    const core::BenchmarkMachine machine = core::benchmarkMachine();
    return {{"threads", machine.computeThreads},
            {"libtorch", machine.libTorchVersion},
            {"device", machine.device}};
}

template <typename Result>
int report(const core::Expected<Result> &result, const char *name, nlohmann::json json, bool asJson)
{
    if (!result) {
        std::cerr << "dpsapf bench " << name << ": " << result.error().message << '\n';
        return result.error().code == core::ErrorCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    json["machine"] = machineJson();
    if (asJson) {
        std::cout << json.dump() << '\n';
    } else {
        std::cout << json.dump(2) << '\n';
    }
    return kExitOk;
}

struct BenchArguments {
    std::int64_t batch = 64;
    std::int64_t repeats = 3;
    std::int64_t steps = 10000;
    std::int64_t samplingSteps = 25;
    std::int64_t dimension = 2048;
    std::int64_t samples = 10000;
    std::string backbone;
    std::int64_t images = 2000;
    bool json = false;
};

} // namespace

void addBenchCommands(CLI::App &cli, CommandTable &commands)
{
    auto *bench = cli.add_subcommand("bench", "Benchmarks (results and machine as JSON)");
    bench->require_subcommand(1);
    auto arguments = std::make_shared<BenchArguments>();

    auto *dpStep = bench->add_subcommand(
        "dp-step",
        "Non-private vs DP LoRA step, and the saliency probe vs a plain backward, on sapf-tiny");
    dpStep->add_option("--batch", arguments->batch, "Records per step")->check(CLI::Range(1, 4096));
    dpStep->add_option("--repeats", arguments->repeats, "Timed repetitions")
        ->check(CLI::Range(1, 1000));
    dpStep->add_flag("--json", arguments->json, "One JSON object");
    commands.add(dpStep, [arguments] {
        core::DpStepBenchmarkConfig config;
        config.batchSize = arguments->batch;
        config.repeats = arguments->repeats;
        const auto result = core::benchmarkDpStep(config);
        nlohmann::json json;
        if (result) {
            json = {{"benchmark", "dp-step"},
                    {"model", result->model},
                    {"model_parameters", result->modelParameters},
                    {"lora_parameters", result->loraParameters},
                    {"candidate_matrices", result->candidateMatrices},
                    {"batch", result->batchSize},
                    {"repeats", arguments->repeats},
                    {"nonprivate_step_s", result->nonprivateStepSeconds},
                    {"dp_step_s", result->dpStepSeconds},
                    {"dp_overhead_ratio", result->dpOverheadRatio},
                    {"probe_baseline_s", result->probeBaselineSeconds},
                    {"probe_s", result->probeSeconds},
                    {"probe_overhead_ratio", result->probeOverheadRatio}};
        }
        return report(result, "dp-step", json, arguments->json);
    });

    auto *privacy = bench->add_subcommand(
        "privacy", "RDP and PRV epsilon for a long run, and a PRV calibration");
    privacy->add_option("--steps", arguments->steps, "DP-SGD steps")
        ->check(CLI::Range(1, 100000000));
    privacy->add_flag("--json", arguments->json, "One JSON object");
    commands.add(privacy, [arguments] {
        const auto result = core::benchmarkAccountants(arguments->steps);
        nlohmann::json json;
        if (result) {
            json = {{"benchmark", "privacy"},
                    {"steps", result->steps},
                    {"rdp_epsilon_s", result->rdpEpsilonSeconds},
                    {"prv_epsilon_s", result->prvEpsilonSeconds},
                    {"rdp_epsilon", result->rdpEpsilon},
                    {"prv_epsilon", result->prvEpsilon},
                    {"calibration_s", result->calibrationSeconds},
                    {"calibration_evaluations", result->calibrationEvaluations}};
        }
        return report(result, "privacy", json, arguments->json);
    });

    auto *unet =
        bench->add_subcommand("unet", "Training-step and DDIM sampling throughput of sapf-tiny");
    unet->add_option("--batch", arguments->batch, "Images per batch")->check(CLI::Range(1, 4096));
    unet->add_option("--sampling-steps", arguments->samplingSteps, "DDIM steps")
        ->check(CLI::Range(1, 1000));
    unet->add_option("--repeats", arguments->repeats, "Timed training steps")
        ->check(CLI::Range(1, 1000));
    unet->add_flag("--json", arguments->json, "One JSON object");
    commands.add(unet, [arguments] {
        const auto result =
            core::benchmarkUNet(arguments->batch, arguments->samplingSteps, arguments->repeats);
        nlohmann::json json;
        if (result) {
            json = {{"benchmark", "unet"},
                    {"model", result->model},
                    {"batch", result->batchSize},
                    {"train_images_per_s", result->trainImagesPerSecond},
                    {"sampling_steps", result->samplingSteps},
                    {"sampling_images_per_s", result->samplingImagesPerSecond}};
        }
        return report(result, "unet", json, arguments->json);
    });

    auto sd = std::make_shared<core::SdUNetBenchmarkConfig>();
    auto *sdUNet = bench->add_subcommand(
        "sd-unet", "DP LoRA training on a Stable-Diffusion-sized UNet: throughput, memory, MFU");
    sdUNet->add_option("--base", sd->base, "sd15 (default), sd21 or narrow (CPU-sized)")
        ->check(CLI::IsMember({"sd15", "sd21", "narrow"}));
    sdUNet->add_option("--resolution", sd->resolution, "Image px (default 256; latent / 8)")
        ->check(CLI::Range(64, 1024));
    sdUNet->add_option("--batch", sd->batchSize, "Micro-batch (default 8)")
        ->check(CLI::Range(1, 1024));
    sdUNet->add_option("--repeats", sd->repeats, "Timed repetitions (default 3)")
        ->check(CLI::Range(1, 1000));
    sdUNet->add_option("--device", sd->device, "cpu (default) or cuda")
        ->check(CLI::IsMember({"cpu", "cuda"}));
    sdUNet->add_option("--peak-tflops", sd->peakTflops,
                       "The device's float32 peak, for the MFU (e.g. 67 for an H100/H200 "
                       "without tensor cores, 495 with TF32)");
    sdUNet
        ->add_option("--frozen-precision", sd->frozenPrecision,
                     "Also measure the DP step with checkpointing and frozen weights in bf16 "
                     "(default) or fp16 (CUDA); fp32 skips it")
        ->check(CLI::IsMember({"fp32", "bf16", "fp16"}));
    sdUNet->add_flag("--json", arguments->json, "One JSON object");
    commands.add(sdUNet, [arguments, sd] {
        const auto result = core::benchmarkSdUNet(*sd);
        nlohmann::json json;
        if (result) {
            nlohmann::json settings = nlohmann::json::array();
            for (const auto &setting : result->dpSettings) {
                settings.push_back(
                    {{"setting", setting.setting},
                     {"images_per_s", setting.imagesPerSecond},
                     {"time_vs_fp32", result->dpStepImagesPerSecond / setting.imagesPerSecond},
                     {"peak_memory_gib", setting.peakMemoryGiB >= 0.0
                                             ? nlohmann::json(setting.peakMemoryGiB)
                                             : nlohmann::json()}});
            }
            json = {{"benchmark", "sd-unet"},
                    {"model", result->model},
                    {"device", result->device},
                    {"parameters", result->parameters},
                    {"lora_parameters", result->loraParameters},
                    {"resolution", result->resolution},
                    {"batch", result->batchSize},
                    {"repeats", sd->repeats},
                    {"forward_gmac_per_image", result->forwardGmacPerImage},
                    {"forward_images_per_s", result->forwardImagesPerSecond},
                    {"nonprivate_step_images_per_s", result->nonprivateStepImagesPerSecond},
                    {"dp_step_images_per_s", result->dpStepImagesPerSecond},
                    {"dp_overhead_ratio", result->dpOverheadRatio},
                    {"dp_step_tflops", result->dpStepTflops},
                    {"mfu", result->mfu >= 0.0 ? nlohmann::json(result->mfu) : nlohmann::json()},
                    {"peak_memory_gib", result->peakMemoryGiB >= 0.0
                                            ? nlohmann::json(result->peakMemoryGiB)
                                            : nlohmann::json()},
                    {"dp_settings", settings}};
        }
        return report(result, "sd-unet", json, arguments->json);
    });

    auto *frechet = bench->add_subcommand(
        "frechet", "Feature statistics and the Fréchet distance of two random feature sets");
    frechet->add_option("--dim", arguments->dimension, "Feature dimension")
        ->check(CLI::Range(1, 16384));
    frechet->add_option("--samples", arguments->samples, "Features per set")
        ->check(CLI::Range(2, 1000000));
    frechet->add_option("--repeats", arguments->repeats, "Timed repetitions")
        ->check(CLI::Range(1, 1000));
    frechet->add_flag("--json", arguments->json, "One JSON object");
    commands.add(frechet, [arguments] {
        const auto result =
            core::benchmarkFrechet(arguments->dimension, arguments->samples, arguments->repeats);
        nlohmann::json json;
        if (result) {
            json = {{"benchmark", "frechet"},
                    {"dimension", result->dimension},
                    {"samples", result->samples},
                    {"statistics_s", result->statisticsSeconds},
                    {"distance_s", result->distanceSeconds},
                    {"distance", result->distance},
                    {"route", "lapack (dpotrf + dsygst + dsyevd)"},
                    {"cholesky_matmul_s", result->choleskySeconds},
                    {"cholesky_matmul_distance", result->choleskyDistance},
                    {"eigh_s", result->eighSeconds},
                    {"eigh_distance", result->eighDistance}};
        }
        return report(result, "frechet", json, arguments->json);
    });

    auto *fid = bench->add_subcommand(
        "fid", "Feature-extraction throughput of an FID backbone (28 x 28 gray images)");
    fid->add_option("--backbone", arguments->backbone,
                    "TorchScript file (default: the bundled GlyphNet)");
    fid->add_option("--images", arguments->images, "Images")->check(CLI::Range(1, 1000000));
    fid->add_flag("--json", arguments->json, "One JSON object");
    commands.add(fid, [arguments] {
        core::EvaluationOptions options;
        options.backbone = arguments->backbone;
        const auto result = core::benchmarkFidThroughput(options, arguments->images);
        nlohmann::json json;
        if (result) {
            json = {{"benchmark", "fid"},
                    {"backbone", result->backbone},
                    {"images", result->images},
                    {"dimension", result->dimension},
                    {"images_per_s", result->imagesPerSecond}};
        }
        return report(result, "fid", json, arguments->json);
    });
}

} // namespace dpsapf::app
