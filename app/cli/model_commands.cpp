// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf generate --public-model …` (text-to-image from a Stable Diffusion model on disk) and
// `dpsapf model inspect PATH`.
#include "model_commands.h"

#include "cli_app.h"
#include "dpsapf/core/model_summary.h"
#include "dpsapf/core/text_to_image.h"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>
#include <memory>

namespace dpsapf::app {
namespace {

struct GenerateArguments {
    std::string runDir;
    core::TextToImageSettings settings;
    bool json = false;
    bool quiet = false;
};

int failWith(const std::string &command, const core::Error &error)
{
    std::cerr << "dpsapf " << command << ": " << error.message << '\n';
    return error.code == core::ErrorCode::InvalidArgument ? kExitUsage : kExitFailure;
}

int runTextToImageCommand(const GenerateArguments &arguments)
{
    const auto progress = [&](std::int64_t done, std::int64_t total) {
        if (arguments.json) {
            std::cout << nlohmann::json{{"event", "step"}, {"done", done}, {"total", total}}.dump()
                      << std::endl;
        } else if (!arguments.quiet) {
            std::cerr << "\rsampling step " << done << "/" << total << std::flush;
        }
    };
    core::Expected<core::TextToImageSummary> summary =
        core::runTextToImage(arguments.settings, progress);
    if (!arguments.json && !arguments.quiet) {
        std::cerr << '\n';
    }
    if (!summary) {
        return failWith("generate", summary.error());
    }
    if (arguments.json) {
        std::cout << nlohmann::json{{"event", "done"},
                                    {"model", summary->model},
                                    {"device", summary->device},
                                    {"scheduler", summary->scheduler},
                                    {"timesteps", summary->timesteps},
                                    {"images", summary->images},
                                    {"height", summary->height},
                                    {"width", summary->width},
                                    {"seconds", summary->seconds},
                                    {"files", summary->files}}
                         .dump()
                  << '\n';
        return kExitOk;
    }
    std::cout << summary->images << " image(s) of " << summary->width << "x" << summary->height
              << " in " << std::fixed << std::setprecision(1) << summary->seconds << " s on "
              << summary->device << " (" << summary->scheduler << ")\n";
    for (const std::string &file : summary->files) {
        std::cout << "  " << file << '\n';
    }
    return kExitOk;
}

int inspectModel(const std::string &path, bool asJson)
{
    core::Expected<core::ModelSummary> summary = core::summarizePublicModel(path);
    if (!summary) {
        return failWith("model inspect", summary.error());
    }
    if (asJson) {
        nlohmann::json components = nlohmann::json::array();
        for (const core::ModelComponent &component : summary->components) {
            components.push_back({{"name", component.name},
                                  {"kind", component.kind},
                                  {"parameters", component.parameters}});
        }
        nlohmann::json matrices = nlohmann::json::array();
        for (const core::AttentionMatrixInfo &matrix : summary->attentionMatrices) {
            matrices.push_back({{"key", matrix.key}, {"shape", {matrix.rows, matrix.columns}}});
        }
        std::cout << nlohmann::json{{"path", summary->folder.string()},
                                    {"family", summary->family},
                                    {"layout", summary->layout},
                                    {"stored_dtype", summary->storedDtype},
                                    {"image_size", summary->imageSize},
                                    {"image_channels", summary->imageChannels},
                                    {"total_parameters", summary->totalParameters},
                                    {"forward_gmac_per_image", summary->forwardGmacPerImage},
                                    {"components", components},
                                    {"attention_parameters", summary->attentionParameters},
                                    {"attention_matrices", matrices},
                                    {"class_names", summary->classNames}}
                         .dump(2)
                  << '\n';
        return kExitOk;
    }
    std::cout << summary->folder.string() << '\n'
              << "  family          " << summary->family << '\n'
              << "  layout          " << summary->layout << '\n'
              << "  stored dtype    " << summary->storedDtype << '\n'
              << "  training size   " << summary->imageSize << " px, " << summary->imageChannels
              << " channel(s)\n"
              << "  parameters      " << summary->totalParameters << '\n'
              << "  UNet forward    " << std::setprecision(3) << summary->forwardGmacPerImage
              << " GMAC per image at " << summary->imageSize << " px\n";
    for (const core::ModelComponent &component : summary->components) {
        std::cout << "    " << std::left << std::setw(14) << component.name << std::right
                  << std::setw(13) << component.parameters << "  " << component.kind << '\n';
    }
    std::cout << "  attention matrices (" << summary->attentionMatrices.size() << ", "
              << summary->attentionParameters << " weights):\n";
    for (const core::AttentionMatrixInfo &matrix : summary->attentionMatrices) {
        std::cout << "    " << std::left << std::setw(66) << matrix.key << std::right << "["
                  << matrix.rows << ", " << matrix.columns << "]\n";
    }
    return kExitOk;
}

} // namespace

void addGenerateCommand(CLI::App &cli, CommandTable &commands, RunStageAction stageAction)
{
    auto arguments = std::make_shared<GenerateArguments>();
    core::TextToImageSettings &s = arguments->settings;
    auto *generate = cli.add_subcommand(
        "generate", "Generate the synthetic images of a run (RUN_DIR), or text-to-image with a "
                    "Stable Diffusion model (--public-model)");
    generate->add_option("run_dir", arguments->runDir,
                         "Run folder (the pipeline's generate stage)");
    auto *model = generate->add_option("--public-model", s.publicModel,
                                       "Stable Diffusion pipeline folder or single .safetensors");
    const auto needsModel = [&](CLI::Option *option) { return option->needs(model); };
    needsModel(generate->add_option("--prompt", s.prompt, "Prompt"));
    needsModel(generate->add_option("--negative-prompt", s.negativePrompt, "Negative prompt"));
    needsModel(generate->add_option("--steps", s.steps, "Denoising steps (default 25)"));
    needsModel(generate->add_option("--guidance", s.guidance,
                                    "Classifier-free guidance scale (default 7.5; <= 1 off)"));
    needsModel(generate
                   ->add_option("--scheduler", s.scheduler,
                                "ddim, dpmpp-2m (default) or dpmpp-2m-karras; the model's "
                                "timestep spacing carries over")
                   ->check(CLI::IsMember({"ddim", "dpmpp-2m", "dpmpp-2m-karras"})));
    needsModel(generate->add_option("--height", s.height, "Image height (default: the model's)"));
    needsModel(generate->add_option("--width", s.width, "Image width (default: the model's)"));
    needsModel(generate->add_option("--images", s.images, "Number of images (default 1)"));
    auto *seed = generate->add_option("--seed", s.seed, "Seed of the initial latents (default 0)");
    needsModel(seed);
    needsModel(generate
                   ->add_option("--initial-latents", s.initialLatents,
                                "Initial latents .npy float32 [B, C, h, w] instead of --seed")
                   ->excludes(seed));
    auto *lora =
        generate->add_option("--lora", s.lora, "LoRA .safetensors (diffusers/PEFT or kohya keys)");
    needsModel(lora);
    needsModel(generate->add_option("--lora-scale", s.loraScale, "LoRA strength (default 1)")
                   ->needs(lora));
    needsModel(generate
                   ->add_option("--prediction-type", s.predictionType,
                                "epsilon or v_prediction (default: the model's scheduler setting)")
                   ->check(CLI::IsMember({"epsilon", "v_prediction"})));
    needsModel(generate->add_option("--clip-skip", s.clipSkip,
                                    "1: the text encoder's penultimate layer (default 0)"));
    needsModel(generate->add_option("--out", s.outDir, "Folder for the PNGs and generation.json"));
    needsModel(generate->add_option("--save-npy", s.saveNpy,
                                    "Decoded images as .npy float32 NHWC in [0, 1]"));
    needsModel(generate->add_option("--save-latents", s.saveLatents,
                                    "Latents after each step as .npy float32 [steps, B, C, h, w]"));
    needsModel(generate->add_option("--device", s.device, "cpu (default), cuda or auto")
                   ->check(CLI::IsMember({"cpu", "cuda", "auto"})));
    generate->add_flag("--json", arguments->json, "Print machine-readable events");
    generate->add_flag("-q,--quiet", arguments->quiet, "Print nothing but errors and the result");
    commands.add(generate, [arguments, stageAction] {
        if (!arguments->settings.publicModel.empty()) {
            if (!arguments->runDir.empty()) {
                std::cerr << "dpsapf generate: give either RUN_DIR or --public-model, not both\n";
                return static_cast<int>(kExitUsage);
            }
            return runTextToImageCommand(*arguments);
        }
        if (arguments->runDir.empty()) {
            std::cerr << "dpsapf generate: give a run folder (RUN_DIR) or --public-model\n";
            return static_cast<int>(kExitUsage);
        }
        return stageAction(arguments->runDir, arguments->json, arguments->quiet);
    });
}

void addModelCommands(CLI::App &cli, CommandTable &commands)
{
    auto *model = cli.add_subcommand("model", "Public models: inspect what a path holds");
    model->require_subcommand(1);
    auto path = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto *inspect = model->add_subcommand(
        "inspect", "Family, components, parameter counts and the 128 attention matrices");
    inspect->add_option("path", *path, "Model folder or single-file .safetensors")->required();
    inspect->add_flag("--json", *json, "Print one JSON object");
    commands.add(inspect, [path, json] { return inspectModel(*path, *json); });
}

} // namespace dpsapf::app
