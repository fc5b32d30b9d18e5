// SPDX-License-Identifier: GPL-3.0-or-later
// Stage "export": what a custodian hands over (method.md §11), built from generated/ and the
// latest checkpoint: class-folder PNGs, syn_images.npy / syn_labels.npy (DP-SAPF), gen.npz and
// sample.png (DPImageBench), LoRA weights (PEFT and kohya) with the class tokens, and the privacy
// report. Written into export.tmp and renamed, so a failed export leaves an earlier one intact.
#include "data/image_codec.h"
#include "data/image_transforms.h"
#include "dpsapf/core/atomic_file.h"
#include "dpsapf/core/npy.h"
#include "io/npz_writer.h"
#include "io/torch_tensors.h"
#include "pipeline/lora_files.h"
#include "pipeline/privacy_report.h"
#include "pipeline/stages.h"
#include "pipeline/synthesis.h"
#include "pipeline/trained_model.h"
#include "train/training_checkpoint.h"

#include <fmt/format.h>
#include <torch/torch.h>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;

// A class name as a folder name: path separators and leading dots replaced.
std::string folderName(const std::string &className)
{
    std::string name = className;
    for (char &c : name) {
        if (c == '/' || c == '\\' || c == ':' || static_cast<unsigned char>(c) < 32) {
            c = '_';
        }
    }
    if (name.empty() || name[0] == '.') {
        name = "_" + name;
    }
    return name;
}

Expected<bool> writeArray(const fs::path &path, const torch::Tensor &tensor)
{
    return saveNpyTensor(path, tensor.contiguous());
}

Expected<std::string> npyBytes(const torch::Tensor &tensor)
{
    Expected<RawTensor> raw = fromTorch(tensor.contiguous());
    if (!raw) {
        return raw.error();
    }
    return serializeNpy(raw.value());
}

// The first 8 images of each class, 8 per row (one row per class), 1 px black padding, RGB
// (torchvision save_image semantics on the byte grid).
Image sampleGrid(const torch::Tensor &images, const torch::Tensor &labels, std::int64_t classes)
{
    constexpr std::int64_t kColumns = 8;
    const auto height = images.size(2);
    const auto width = images.size(3);
    Image grid;
    grid.width = static_cast<std::int32_t>(kColumns * (width + 1) + 1);
    grid.height = static_cast<std::int32_t>(classes * (height + 1) + 1);
    grid.channels = 3;
    grid.pixels.assign(grid.byteCount(), 0);
    const torch::Tensor rgb = images.size(1) == 1 ? images.repeat({1, 3, 1, 1}) : images;
    const auto *label = labels.data_ptr<std::int64_t>();
    std::vector<std::int64_t> column(static_cast<std::size_t>(classes), 0);
    for (std::int64_t i = 0; i < images.size(0); ++i) {
        const std::int64_t c = label[i];
        if (column[static_cast<std::size_t>(c)] >= kColumns) {
            continue;
        }
        const std::int64_t x0 = 1 + column[static_cast<std::size_t>(c)]++ * (width + 1);
        const std::int64_t y0 = 1 + c * (height + 1);
        const torch::Tensor tile = rgb[i].permute({1, 2, 0}).contiguous();
        const std::uint8_t *data = tile.data_ptr<std::uint8_t>();
        for (std::int64_t y = 0; y < height; ++y) {
            std::copy_n(data + y * width * 3, width * 3,
                        grid.pixels.begin() + ((y0 + y) * grid.width + x0) * 3);
        }
    }
    return grid;
}

} // namespace

Expected<RunOutcome> runExportStage(RunContext &run)
{
    return exportInto(run, run.config.exports, run.paths.exportDir());
}

Expected<RunOutcome> exportInto(RunContext &run, const ExportSettings &settings,
                                const fs::path &target)
{
    const RunPaths &paths = run.paths;
    Expected<torch::Tensor> images = loadNpyTensor(paths.generated() / "images.npy");
    if (!images) {
        return makeError(images.error().code,
                         images.error().message + " (run the generate stage first)");
    }
    Expected<torch::Tensor> labels = loadNpyTensor(paths.generated() / "labels.npy");
    if (!labels) {
        return labels.error();
    }
    if (images->dim() != 4 || images->scalar_type() != torch::kUInt8 ||
        labels->size(0) != images->size(0)) {
        return makeError(ErrorCode::Format,
                         (paths.generated() / "images.npy").string() +
                             ": expected uint8 [N, C, H, W] matching labels.npy");
    }
    const Expected<fs::path> created = freshTemporaryFolder(target);
    if (!created) {
        return created.error();
    }
    const fs::path temporary = created.value();
    std::error_code error;
    const auto &classNames = run.plan.classNames;
    const auto classes = static_cast<std::int64_t>(classNames.size());
    const auto *label = labels->data_ptr<std::int64_t>();
    const std::int64_t count = images->size(0);
    std::int64_t written = 0;
    const auto progress = [&](const std::string &what) {
        RunEvent event;
        event.kind = RunEvent::Kind::Progress;
        event.stage = RunStage::Export;
        event.step = ++written;
        event.total = 7;
        event.message = what;
        run.emit(event);
    };

    if (settings.classFolders || settings.referenceLayout) {
        const std::vector<Image> pictures = imagesFromTensor(images.value());
        std::vector<std::int64_t> perClass(static_cast<std::size_t>(classes), 0);
        for (std::int64_t i = 0; i < count; ++i) {
            const std::int64_t c = label[i];
            if (settings.classFolders) {
                const fs::path folder =
                    temporary / "images" / folderName(classNames[static_cast<std::size_t>(c)]);
                fs::create_directories(folder, error);
                if (auto done = writePng(
                        folder / fmt::format("{:05d}.png", perClass[static_cast<std::size_t>(c)]),
                        pictures[static_cast<std::size_t>(i)]);
                    !done) {
                    return done.error();
                }
            }
            if (settings.referenceLayout) {
                const fs::path folder = temporary / "gen" / fmt::format("{:06d}", c);
                fs::create_directories(folder, error);
                if (auto done = writePng(folder / fmt::format("{:04d}.png", i),
                                         pictures[static_cast<std::size_t>(i)]);
                    !done) {
                    return done.error();
                }
            }
            ++perClass[static_cast<std::size_t>(c)];
        }
        progress("class folders");
    }
    // Float arrays as byte / 255 (the 1/255 grid of the reference's PNG round trip).
    const torch::Tensor unit = images->to(torch::kFloat32) / 255.0f;
    if (settings.arrays) {
        const torch::Tensor rgb = unit.size(1) == 1 ? unit.repeat({1, 3, 1, 1}) : unit;
        if (auto done = writeArray(temporary / "syn_images.npy", rgb); !done) {
            return done.error();
        }
        if (auto done = writeArray(temporary / "syn_labels.npy", labels.value()); !done) {
            return done.error();
        }
        progress("syn_images.npy");
    }
    if (settings.npz) {
        Expected<std::string> x = npyBytes(unit);
        Expected<std::string> y = npyBytes(labels.value());
        if (!x || !y) {
            return (!x ? x : y).error();
        }
        if (auto done = writeStoredZip(temporary / "gen.npz", {{"x.npy", *x}, {"y.npy", *y}});
            !done) {
            return done.error();
        }
        if (auto done = writePng(temporary / "sample.png",
                                 sampleGrid(images.value(), labels.value(), classes));
            !done) {
            return done.error();
        }
        progress("gen.npz");
    }
    if (settings.lora) {
        Expected<TrainedModel> trained = loadTrainedModel(run);
        if (!trained) {
            return trained.error();
        }
        FineTuneModel &fineTune = *trained.value().fineTune;
        const std::vector<LoraAdapter> adapters = fineTune.adapters();
        if (!adapters.empty()) {
            if (auto done = writePeftLora(temporary / "pytorch_lora_weights.safetensors", adapters);
                !done) {
                return done.error();
            }
            const double alpha = run.config.lora.alpha > 0.0
                                     ? run.config.lora.alpha
                                     : static_cast<double>(run.config.lora.rank);
            const bool sd2 = trained.value().model.isLatent() &&
                             trained.value().model.sd->detected.family == SdFamily::Sd2;
            if (auto done =
                    writeKohyaLora(temporary / "lora_kohya.safetensors", adapters, alpha, sd2);
                !done) {
                return done.error();
            }
        } else {
            TensorMap tuned;
            for (const auto &[name, tensor] : fineTune.state()) {
                if (name.rfind("unet.", 0) == 0) {
                    tuned.emplace(name, tensor);
                }
            }
            if (auto done = saveSafetensorsTensors(temporary / "tuned_weights.safetensors", tuned,
                                                   {{"format", "pt"}});
                !done) {
                return done.error();
            }
        }
        if (run.plan.modelLatent) {
            // The prompts the LoRA was trained with: generating with them reproduces the classes.
            const nlohmann::json prompts{{"class_names", classNames},
                                         {"class_prompts", run.plan.classPrompts},
                                         {"negative_prompt", ""},
                                         {"clip_skip", run.config.prompts.clipSkip}};
            if (auto done = writeJsonFile(temporary / "class_prompts.json", prompts); !done) {
                return done.error();
            }
        } else {
            ClassConditioner conditioner = fineTune.conditioner()->toClassConditioner();
            if (auto done = saveClassConditioner(temporary, conditioner, classNames); !done) {
                return done.error();
            }
        }
        progress("LoRA weights");
    }
    if (settings.report) {
        Expected<nlohmann::json> report = buildPrivacyReport(run);
        if (!report) {
            return report.error();
        }
        if (auto done = writeJsonFile(temporary / "privacy_report.json", report.value()); !done) {
            return done.error();
        }
        if (auto done = writeFileAtomically(temporary / "privacy_report.md",
                                            renderPrivacyReport(report.value()));
            !done) {
            return done.error();
        }
        progress("privacy report");
    }
    if (auto done = commitFolder(temporary, target); !done) {
        return done.error();
    }
    run.message(RunStage::Export, "exported to " + target.string());
    return RunOutcome::Completed;
}

bool stageFinished(const RunContext &run, RunStage stage)
{
    std::error_code error;
    switch (stage) {
    case RunStage::Prepare: return fs::exists(run.paths.config(), error);
    case RunStage::Probe:
        if (variantRunsProbe(run.config.variant)) {
            return fs::exists(run.paths.scores(), error);
        }
        return !run.plan.probeCharged ||
               fs::exists(run.paths.saliency() / "probe_charged.json", error);
    case RunStage::Select: return fs::exists(run.paths.selection(), error);
    case RunStage::Train: return trainingFinished(run.paths);
    case RunStage::Generate: return fs::exists(run.paths.generated() / "info.json", error);
    case RunStage::Export: return fs::exists(run.paths.exportDir(), error);
    }
    return false;
}

} // namespace dpsapf::core
