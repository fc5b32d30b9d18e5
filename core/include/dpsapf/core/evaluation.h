// SPDX-License-Identifier: GPL-3.0-or-later
// Evaluation of synthetic images (method.md §10; docs/evaluation.md): FID with a pluggable feature
// backbone, k-NN precision/recall and downstream classifier accuracy. Torch-free API for the CLI
// (`dpsapf evaluate`) and the GUI.
//
// Every number here is computed on the sensitive data the project already holds (the reference
// split, the test split) and is a diagnostic: it is NOT released under differential privacy and
// NOT covered by the run's DP guarantee. eval.json says so in "privacy_note".
#pragma once

#include "dpsapf/core/expected.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dpsapf::core {

inline constexpr const char *kEvaluationPrivacyNote =
    "Computed on the sensitive data (reference and test splits); a diagnostic for the data "
    "custodian, NOT released under differential privacy and NOT covered by the run's DP guarantee.";

struct EvaluationOptions {
    // Empty: the bundled GlyphNet backbone. Otherwise a TorchScript file (e.g. the StyleGAN /
    // clean-fid inception-2015-12-05.pt) or a folder with backbone.json.
    std::filesystem::path backbone;
    std::string backboneInputRange = "0-255"; // TorchScript input range: 0-255 | 0-1 | -1-1
    bool fid = true;
    bool precisionRecall = false;
    std::int64_t nearestNeighbours = 4;            // k of precision/recall
    std::int64_t maxPrecisionRecallImages = 10000; // per set (the first ones of a seeded shuffle)
    bool accuracy = true;
    std::int64_t accuracySeeds = 3; // classifiers trained (mean and std over them)
    std::int64_t accuracyEpochs = 10;
    // Test split for the accuracy: "fashion-mnist:test" or a path; empty = the Fashion-MNIST test
    // split for fashion-mnist runs (`evaluate RUN_DIR`) and references.
    std::string testData;
    // Where reference statistics are cached; empty = <run>/eval/cache for runs, none otherwise.
    std::filesystem::path cacheDir;
    const std::atomic<bool> *stop = nullptr;
    std::function<void(const std::string &)> progress;
};

struct EvaluationReport {
    std::optional<double> fid;
    std::string fidBackbone; // backbone id
    std::string fidBackboneSha256;
    std::string fidResizer;
    std::string fidReference; // what the reference set is
    bool referenceFromCache = false;
    std::int64_t numImages = 0;          // generated images evaluated
    std::int64_t numReferenceImages = 0; // reference images of the FID
    std::optional<double> precision;
    std::optional<double> recall;
    std::int64_t nearestNeighbours = 0;
    std::optional<double> accuracyMean; // test accuracy, mean over classifier seeds
    std::optional<double> accuracyStd;  // population std over the seeds
    std::vector<double> accuracyPerSeed;
    std::vector<std::int64_t> selectedEpochs;
    std::string accuracyClassifier;
    std::string accuracySelection;
    std::string accuracyTestSet;
    double fidSeconds = 0.0;
    double accuracySeconds = 0.0;

    // The eval.json object: fid, fid_backbone, fid_backbone_sha256, fid_resizer, fid_reference,
    // num_images, num_reference_images, accuracy_mean, accuracy_std, ..., precision, recall when
    // computed, dp_guarantee: false and privacy_note.
    [[nodiscard]] nlohmann::json toJson() const;
};

// Evaluates a run's generated/ images against its own training split (FID) and its dataset's
// test split (accuracy) and writes <run>/eval.json.
[[nodiscard]] Expected<EvaluationReport> evaluateRun(const std::filesystem::path &runDir,
                                                     const EvaluationOptions &options);

// Evaluates an image set (class-folder tree, .npz or .npy) against a reference dataset
// ("fashion-mnist[:train|:test]" or a path).
[[nodiscard]] Expected<EvaluationReport> evaluateImages(const std::string &images,
                                                        const std::string &reference,
                                                        const EvaluationOptions &options);

// Retrains the bundled backbone on public data only (MNIST digits + font letters; the model card
// lists sources, architecture and the weights' SHA-256) into outputDir.
struct BackboneTrainingConfig {
    std::filesystem::path outputDir;
    std::filesystem::path mnistDir; // empty = defaultMnistDir()
    std::filesystem::path fontsDir = "/usr/share/fonts";
    std::int64_t letterVariants = 8;
    std::int64_t epochs = 6;
    std::int64_t batchSize = 128;
    double learningRate = 1e-3;
    std::uint64_t seed = 0;
};
struct BackboneTrainingResult {
    double validationAccuracy = 0.0;
    std::int64_t trainSamples = 0;
    std::int64_t validationSamples = 0;
    std::string weightsSha256;
    double seconds = 0.0;
};
[[nodiscard]] Expected<BackboneTrainingResult>
trainFeatureBackbone(const BackboneTrainingConfig &config,
                     const std::function<void(const std::string &)> &progress = {});

struct FidBenchmarkResult {
    std::string backbone;
    std::int64_t images = 0;
    std::int64_t dimension = 0;
    double imagesPerSecond = 0.0; // features of 28 x 28 gray images (resize included)
};
[[nodiscard]] Expected<FidBenchmarkResult> benchmarkFidThroughput(const EvaluationOptions &options,
                                                                  std::int64_t images);

} // namespace dpsapf::core
