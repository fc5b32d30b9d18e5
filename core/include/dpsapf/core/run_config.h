// SPDX-License-Identifier: GPL-3.0-or-later
// The complete configuration of a DP-SAPF run (method.md §8 defaults): dataset, public model,
// privacy budget, probe, selection, LoRA, DP-SGD training, generation and exports. JSON keys are
// snake_case and nested by section ("privacy.epsilon"); parsing is strict (an unknown key or a
// wrong type is an error naming the key) and validation names the field.
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/image_dataset.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace dpsapf::core {

// What is trained and which privacy is charged (method.md §7).
enum class RunVariant {
    DpSapf,        // probe + matrix-level top-c + LoRA on the selection
    DpLora,        // no probe; LoRA on all 128 attention matrices
    Random,        // no data touched for the choice; LoRA on k random matrices
    LayerLevel,    // probe over the 32 attention processors; LoRA on q/k/v/o of the top ones
    NoLora,        // probe + matrix-level top-c; direct DP fine-tuning of the selected weights
    AllParameters, // probe over every linear layer; direct DP fine-tuning of the selected ones
};
[[nodiscard]] std::string variantName(RunVariant variant); // "dp-sapf", "dp-lora", ...
[[nodiscard]] Expected<RunVariant> parseVariant(const std::string &name);
[[nodiscard]] bool variantRunsProbe(RunVariant variant);

struct DatasetSettings {
    // fashion-mnist (the Debian package), idx, folder, npy, npz or zip.
    std::string kind = "fashion-mnist";
    std::string path;       // file or folder (fashion-mnist: the folder; empty = default)
    std::string labelsPath; // idx labels / npy labels
    std::vector<std::string> classNames; // for formats with integer labels only
    std::int64_t trainSize = 0;          // records kept for training; 0 = N - floor(N / 12)
    std::uint64_t splitSeed = 0;
    std::int64_t limit = 0; // use only the first `limit` training records (smoke runs); 0 = all
    std::string badFiles = "fail"; // fail | skip
};

// The whole dataset the settings name (before the train/validation split), as a run loads it.
[[nodiscard]] Expected<std::shared_ptr<ImageDataset>>
loadConfiguredDataset(const DatasetSettings &settings, LoadReport &report);

struct PrivacySettings {
    double epsilon = 10.0;
    double delta = 0.0;                 // 0 = 1/(N ln N); must be < 1/N
    std::string accountant = "prv";     // drives calibration and the cap; both are reported
    std::string noise = "reproducible"; // reproducible (seeded) | secure (ChaCha20, not seeded)
};

struct ProbeSettings {
    std::int64_t sampleSize = 50000; // n_probe; q_s = min(1, n_probe / N)
    double noiseMultiplier = 5.0;    // sigma_s
    double clipNorm = 1.0;           // C
    std::int64_t microBatchSize = 64;
};

struct SelectionSettings {
    double ratio = 0.3; // c; k = floor(c |K|)
};

struct LoraSettings {
    std::int64_t rank = 4;
    double alpha = 0.0; // 0 = rank (scale 1)
    // Rank per projection type; 0 = `rank`.
    std::int64_t rankQ = 0, rankK = 0, rankV = 0, rankOut = 0;
    [[nodiscard]] std::int64_t rankFor(char letter) const; // 'q', 'k', 'v', 'o'
};

struct TrainSettings {
    std::int64_t steps = 1000;
    std::int64_t batchSize = 4096; // expected logical batch B = q N
    std::int64_t microBatchSize = 64;
    double learningRate = 5e-4;
    double embeddingLearningRate = 5e-3; // the sensitive classes' tokens
    double weightDecay = 0.01;
    std::string clipMode = "automatic"; // automatic (per layer) | flat
    double maxGradNorm = 1.0;           // C_dp of flat clipping
    double postClipNorm = 1.0;          // of the noisy average (post-processing); 0 = off
    std::int64_t checkpointEvery = 100;
    std::int64_t gridSamplesPerClass = 4; // samples/ grid at every checkpoint; 0 = none
    // How the sensitive classes' tokens start: "public-classes" (class i starts as public class
    // i mod P, distinct and public) or "null" (all start as the public null token).
    std::string classTokenInit = "public-classes";
};

// Class prompts of latent-space (Stable Diffusion) models (method.md §2): `class_prompts` (one per
// class, in label order) when given; otherwise the paper's prompt table when the class names are
// those of Fashion-MNIST, CIFAR-10 or MNIST; otherwise `template` with "{class}" replaced by the
// class name. The resolved prompts are stored with the run.
struct PromptSettings {
    std::string classTemplate = "An image of a {class}";
    std::vector<std::string> classPrompts;
    std::int64_t clipSkip = 0; // 1: the text encoder's penultimate layer
};

struct GenerateSettings {
    std::int64_t imagesPerClass = 6000;
    std::string sampler = "dpmpp-2m"; // ddim | dpmpp-2m | dpmpp-2m-karras
    std::int64_t steps = 25;
    double guidanceScale = 3.0;
    std::int64_t batchSize = 64;
};

struct ExportSettings {
    bool classFolders = true;     // images/<class>/<index>.png
    bool referenceLayout = false; // gen/<label %06d>/<index>.png as the reference writes
    bool arrays = true;           // syn_images.npy, syn_labels.npy
    bool npz = true;              // gen.npz, sample.png
    bool lora = true;             // pytorch_lora_weights.safetensors + kohya copy
    bool report = true;           // privacy_report.json / .md
};

// Live metrics during training (docs/evaluation.md): every `live_every` steps (0 = at every
// checkpoint) a small class-balanced sample is generated with fixed seeds and its FID against
// the training split (bundled backbone, cached statistics) and a nearest-class-mean accuracy
// proxy are appended to metrics.jsonl. Computed on sensitive data; not covered by the DP
// guarantee.
struct EvalSettings {
    bool live = true;
    std::int64_t liveEvery = 0;
    std::int64_t liveImagesPerClass = 5;
    std::int64_t liveProxyRecords = 1000;      // training records the accuracy proxy classifies
    std::int64_t liveReferenceRecords = 10000; // training records of the FID reference; 0 = all
    // An evaluation is skipped when the time spent on live metrics would exceed this fraction of
    // the training time so far (0 = never skip).
    double liveMaxCost = 0.1;
};

struct RunConfig {
    std::string name;
    RunVariant variant = RunVariant::DpSapf;
    std::uint64_t seed = 0;           // every RNG stream derives from it
    std::string device = "cpu";       // cpu | cuda | auto
    std::string modelPath;            // "public_model": empty = the bundled sapf-tiny
    std::int64_t modelResolution = 0; // latent-space models: training px; 0 = min(native, 256)
    std::string predictionType;       // "" = the model's; epsilon | v_prediction (SD 2.x 768 px)
    // Training memory (docs/stable-diffusion.md): recompute the UNet's resnet and transformer
    // activations in the backward pass (auto = on for latent-space models, off for the bundled
    // one), and the dtype of the frozen UNet weights: fp32 | bf16 | fp16 (fp16 needs CUDA; LoRA
    // variants on latent-space models only; the LoRA factors, norms and sums stay float32).
    std::string gradientCheckpointing = "auto"; // auto | on | off
    std::string frozenPrecision = "fp32";
    bool chargeProbe = false; // random variant: charge a probe it never runs (as the reference)
    // `dpsapf run` with two or more variants runs each into <out>/<variant> with the same budget
    // and prints the comparison (empty: one run into <out>).
    std::vector<std::string> compareVariants;

    DatasetSettings dataset;
    PrivacySettings privacy;
    ProbeSettings probe;
    SelectionSettings selection;
    LoraSettings lora;
    TrainSettings train;
    PromptSettings prompts;
    GenerateSettings generate;
    ExportSettings exports;
    EvalSettings eval;

    // Checks that need no data; messages start with the JSON key ("privacy.epsilon: ...").
    [[nodiscard]] Expected<bool> validate() const;
    // Checks against the sensitive training split's size N (delta < 1/N, batch <= N).
    [[nodiscard]] Expected<bool> validateForDataset(std::int64_t trainRecords) const;
    [[nodiscard]] nlohmann::json toJson() const;
};

// Strict parsing: every key must be known and of the default's type (integers where integers
// are expected); keys that are absent keep the base config's values.
[[nodiscard]] Expected<RunConfig> runConfigFromJson(const nlohmann::json &json,
                                                    const RunConfig &base = RunConfig{});
// "section.key=value": value is read as JSON when it parses (10, 1e-5, true, ["a"]) and as a
// string otherwise.
[[nodiscard]] Expected<RunConfig> applyOverride(const RunConfig &config,
                                                const std::string &assignment);

// smoke (seconds: a tiny subset, a few steps; tests use it), quick (the default experiment:
// Fashion-MNIST, sapf-tiny, epsilon 10, DP-SAPF and DP-LoRA at the same budget, sized for 2 CPU
// cores) and paper (method.md §8, for a GPU).
[[nodiscard]] Expected<RunConfig> presetConfig(const std::string &name);
[[nodiscard]] std::vector<std::string> presetNames();

// delta = 1/(N ln N) (the run's default rule).
[[nodiscard]] double defaultDelta(std::int64_t trainRecords);

} // namespace dpsapf::core
