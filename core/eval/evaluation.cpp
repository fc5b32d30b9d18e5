// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf evaluate`: FID, precision/recall and downstream accuracy of a run or an image set.
#include "dpsapf/core/evaluation.h"

#include "dpsapf/core/logging.h"
#include "eval/downstream_classifier.h"
#include "eval/eval_data.h"
#include "eval/fid.h"
#include "io/torch_tensors.h"
#include "pipeline/run_context.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

namespace dpsapf::core {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void say(const EvaluationOptions &options, const std::string &text)
{
    logger(LogChannel::Eval)->info("{}", text);
    if (options.progress) {
        options.progress(text);
    }
}

Expected<BackboneInputRange> parseRange(const std::string &text)
{
    if (text == "0-255") {
        return BackboneInputRange::Bytes;
    }
    if (text == "0-1") {
        return BackboneInputRange::Unit;
    }
    if (text == "-1-1") {
        return BackboneInputRange::Symmetric;
    }
    return makeError(ErrorCode::InvalidArgument,
                     "--backbone-range " + text + ": expected 0-255, 0-1 or -1-1");
}

// The backbone the options name (the bundled one when empty) with its input range.
Expected<std::unique_ptr<FeatureBackbone>> loadOptionsBackbone(const EvaluationOptions &options)
{
    Expected<BackboneInputRange> range = parseRange(options.backboneInputRange);
    if (!range) {
        return range.error();
    }
    return loadFeatureBackbone(options.backbone, range.value());
}

std::string sizeText(const torch::Tensor &images)
{
    return fmt::format("{}x{}x{}", images.size(3), images.size(2), images.size(1));
}

// The first `limit` rows of a seed-0 permutation (all rows when there are fewer).
torch::Tensor seededSubset(const torch::Tensor &rows, std::int64_t limit)
{
    if (rows.size(0) <= limit) {
        return rows;
    }
    auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
    const torch::Tensor order = torch::randperm(rows.size(0), generator, torch::kInt64);
    return rows.index_select(0, order.slice(0, 0, limit));
}

struct EvaluationInputs {
    LabelledImages generated; // labels in the test set's classes when a test set is given
    LabelledImages reference;
    std::string referenceSplit;
    std::optional<LabelledImages> test;
    fs::path cacheDir;
};

Expected<bool> evaluateFid(const EvaluationInputs &inputs, const EvaluationOptions &options,
                           EvaluationReport &report)
{
    const auto start = Clock::now();
    Expected<std::unique_ptr<FeatureBackbone>> backbone = loadOptionsBackbone(options);
    if (!backbone) {
        return backbone.error();
    }
    FeatureBackbone &net = *backbone.value();
    report.fidBackbone = net.info().id;
    report.fidBackboneSha256 = net.info().weightsSha256;
    report.fidResizer = net.info().resizer;
    report.fidReference = inputs.referenceSplit;
    report.numImages = inputs.generated.size();
    report.numReferenceImages = inputs.reference.size();
    say(options, fmt::format("FID: backbone {} ({}), {} generated vs {} reference images",
                             report.fidBackbone, report.fidResizer, report.numImages,
                             report.numReferenceImages));
    const ReferenceKey key{inputs.reference.fingerprint, inputs.referenceSplit,
                           inputs.reference.size(), sizeText(inputs.reference.images)};
    Expected<FeatureStatistics> reference = referenceStatistics(
        net, inputs.reference.images, key, inputs.cacheDir, &report.referenceFromCache);
    if (!reference) {
        return reference.error();
    }
    if (options.fid) {
        Expected<FeatureStatistics> generated = imageStatistics(net, inputs.generated.images);
        if (!generated) {
            return generated.error();
        }
        Expected<double> distance = frechetDistance(reference.value(), generated.value());
        if (!distance) {
            return distance.error();
        }
        report.fid = distance.value();
        say(options, fmt::format("FID {:.4f}", distance.value()));
    }
    if (options.precisionRecall) {
        const std::int64_t limit = options.maxPrecisionRecallImages;
        Expected<torch::Tensor> real = net.features(seededSubset(inputs.reference.images, limit));
        Expected<torch::Tensor> fake = net.features(seededSubset(inputs.generated.images, limit));
        if (!real || !fake) {
            return (!real ? real : fake).error();
        }
        Expected<PrecisionRecall> pr =
            precisionRecall(real.value(), fake.value(), options.nearestNeighbours);
        if (!pr) {
            return pr.error();
        }
        report.precision = pr->precision;
        report.recall = pr->recall;
        report.nearestNeighbours = pr->k;
        say(options, fmt::format("precision {:.4f}, recall {:.4f} (k = {})", pr->precision,
                                 pr->recall, pr->k));
    }
    report.fidSeconds = secondsSince(start);
    return true;
}

Expected<bool> evaluateAccuracy(const EvaluationInputs &inputs, const EvaluationOptions &options,
                                EvaluationReport &report)
{
    const auto start = Clock::now();
    const LabelledImages &test = inputs.test.value();
    report.accuracyClassifier = classifierDescription();
    report.accuracySelection =
        "synthetic validation: the epoch with the best accuracy on 10% of the synthetic images "
        "held out (seed-0 permutation); the test split is never used for selection";
    report.accuracyTestSet = fmt::format("{} ({} images)", test.description, test.size());
    const auto classes = static_cast<std::int64_t>(test.classNames.size());
    for (std::int64_t seed = 0; seed < options.accuracySeeds; ++seed) {
        ClassifierSettings settings;
        settings.epochs = options.accuracyEpochs;
        settings.seed = static_cast<std::uint64_t>(seed);
        Expected<ClassifierResult> result =
            trainAndTestClassifier(inputs.generated.images, inputs.generated.labels, test.images,
                                   test.labels, classes, settings, options.stop, options.progress);
        if (!result) {
            return result.error();
        }
        report.accuracyPerSeed.push_back(result->testAccuracy);
        report.selectedEpochs.push_back(result->selectedEpoch);
        say(options, fmt::format("classifier seed {}: test accuracy {:.4f} (epoch {})", seed,
                                 result->testAccuracy, result->selectedEpoch));
    }
    double sum = 0.0;
    for (double value : report.accuracyPerSeed) {
        sum += value;
    }
    const double mean = sum / static_cast<double>(report.accuracyPerSeed.size());
    double squares = 0.0;
    for (double value : report.accuracyPerSeed) {
        squares += (value - mean) * (value - mean);
    }
    report.accuracyMean = mean;
    report.accuracyStd = std::sqrt(squares / static_cast<double>(report.accuracyPerSeed.size()));
    report.accuracySeconds = secondsSince(start);
    return true;
}

Expected<EvaluationReport> evaluateInputs(const EvaluationInputs &inputs,
                                          const EvaluationOptions &options)
{
    if (options.accuracySeeds < 1 || options.accuracyEpochs < 1 || options.nearestNeighbours < 1 ||
        options.maxPrecisionRecallImages <= options.nearestNeighbours) {
        return makeError(ErrorCode::InvalidArgument,
                         "evaluate: seeds, epochs and k must be >= 1 and the precision/recall "
                         "limit larger than k");
    }
    EvaluationReport report;
    report.numImages = inputs.generated.size();
    if (options.fid || options.precisionRecall) {
        if (auto done = evaluateFid(inputs, options, report); !done) {
            return done.error();
        }
    }
    if (options.accuracy) {
        if (auto done = evaluateAccuracy(inputs, options, report); !done) {
            return done.error();
        }
    }
    return report;
}

Expected<std::shared_ptr<ImageDataset>> configuredDataset(const DatasetSettings &settings)
{
    if (settings.kind == "fashion-mnist") {
        return loadFashionMnist(settings.path.empty() ? kFashionMnistDir : settings.path, true);
    }
    DatasetSource source;
    source.path = settings.path;
    source.labelsPath = settings.labelsPath;
    source.classNames = settings.classNames;
    source.kind = settings.kind == "idx"      ? DatasetSource::Kind::Idx
                  : settings.kind == "folder" ? DatasetSource::Kind::ClassFolders
                  : settings.kind == "npy"    ? DatasetSource::Kind::Npy
                  : settings.kind == "npz"    ? DatasetSource::Kind::Npz
                                              : DatasetSource::Kind::ZipWithLabels;
    return loadDataset(source,
                       settings.badFiles == "skip" ? BadFilePolicy::Skip : BadFilePolicy::Fail);
}

Expected<std::string> testSpecFor(const std::string &given, bool fashionMnist, bool needed)
{
    if (!given.empty()) {
        return given;
    }
    if (fashionMnist) {
        return std::string("fashion-mnist:test");
    }
    if (needed) {
        return makeError(
            ErrorCode::InvalidArgument,
            "accuracy needs a real test split: give --test DATASET (or --no-accuracy)");
    }
    return std::string();
}

Expected<bool> attachTest(EvaluationInputs &inputs, const std::string &spec)
{
    if (spec.empty()) {
        return true;
    }
    Expected<LabelledImages> test = loadImageSet(spec);
    if (!test) {
        return test.error();
    }
    Expected<torch::Tensor> labels = alignLabels(inputs.generated, test->classNames);
    if (!labels) {
        return labels.error();
    }
    inputs.generated.labels = labels.value();
    inputs.test = std::move(test).value();
    return true;
}

} // namespace

nlohmann::json EvaluationReport::toJson() const
{
    const auto optional = [](const std::optional<double> &value) {
        return value ? nlohmann::json(*value) : nlohmann::json();
    };
    nlohmann::json out{{"fid", optional(fid)},
                       {"fid_backbone", fidBackbone},
                       {"fid_backbone_sha256", fidBackboneSha256},
                       {"fid_resizer", fidResizer},
                       {"fid_reference", fidReference},
                       {"fid_reference_cached", referenceFromCache},
                       {"num_images", numImages},
                       {"num_reference_images", numReferenceImages},
                       {"accuracy_mean", optional(accuracyMean)},
                       {"accuracy_std", optional(accuracyStd)},
                       {"accuracy_per_seed", accuracyPerSeed},
                       {"accuracy_selected_epochs", selectedEpochs},
                       {"accuracy_classifier", accuracyClassifier},
                       {"accuracy_selection", accuracySelection},
                       {"accuracy_test_set", accuracyTestSet},
                       {"fid_seconds", fidSeconds},
                       {"accuracy_seconds", accuracySeconds},
                       {"dp_guarantee", false},
                       {"privacy_note", kEvaluationPrivacyNote}};
    if (precision || recall) {
        out["precision"] = optional(precision);
        out["recall"] = optional(recall);
        out["precision_recall_k"] = nearestNeighbours;
    }
    return out;
}

Expected<EvaluationReport> evaluateRun(const fs::path &runDir, const EvaluationOptions &options)
{
    Expected<std::unique_ptr<RunContext>> opened = RunContext::open(runDir, nullptr, {});
    if (!opened) {
        return opened.error();
    }
    const RunContext &run = *opened.value();
    EvaluationInputs inputs;
    const fs::path imagesFile = run.paths.generated() / "images.npy";
    std::error_code error;
    if (!fs::is_regular_file(run.paths.generated() / "info.json", error)) {
        return makeError(ErrorCode::InvalidArgument,
                         imagesFile.string() +
                             ": the run has no generated images (run `dpsapf generate " +
                             runDir.string() + "` first)");
    }
    Expected<torch::Tensor> images = loadNpyTensor(imagesFile);
    Expected<torch::Tensor> labels = loadNpyTensor(run.paths.generated() / "labels.npy");
    if (!images || !labels) {
        return (!images ? images : labels).error();
    }
    if (images->dim() != 4 || images->scalar_type() != torch::kUInt8 || images->size(0) < 2 ||
        labels->dim() != 1 || labels->size(0) != images->size(0)) {
        return makeError(ErrorCode::Format,
                         imagesFile.string() + ": expected uint8 [N >= 2, C, H, W] with N labels");
    }
    inputs.generated.images = images.value();
    inputs.generated.labels = labels->to(torch::kInt64);
    inputs.generated.classNames = run.plan.classNames;
    inputs.generated.description = imagesFile.string();

    say(options, "loading the run's training split (the FID reference)");
    Expected<std::shared_ptr<ImageDataset>> dataset = configuredDataset(run.config.dataset);
    if (!dataset) {
        return dataset.error();
    }
    Expected<std::vector<std::int64_t>> trainIndices =
        readIndexList(run.paths.data() / "train_indices.npy");
    if (!trainIndices) {
        return trainIndices.error();
    }
    for (std::int64_t index : trainIndices.value()) {
        if (index < 0 || index >= dataset.value()->size()) {
            return makeError(ErrorCode::Format, (run.paths.data() / "train_indices.npy").string() +
                                                    ": an index is outside the dataset");
        }
    }
    const std::shared_ptr<ImageDataset> train = subset(dataset.value(), trainIndices.value());
    Expected<LabelledImages> reference =
        toLabelledImages(*train, "training split of " + run.plan.datasetDescription);
    if (!reference) {
        return reference.error();
    }
    if (reference->fingerprint != run.plan.datasetFingerprint) {
        return makeError(ErrorCode::Format,
                         "the dataset " + run.plan.datasetDescription +
                             " changed since the run was prepared (fingerprint " +
                             reference->fingerprint + ", config.json has " +
                             run.plan.datasetFingerprint + ")");
    }
    inputs.reference = std::move(reference).value();
    inputs.referenceSplit = fmt::format("training split of {} ({} records, fingerprint {})",
                                        run.plan.datasetDescription, inputs.reference.size(),
                                        inputs.reference.fingerprint);
    inputs.cacheDir = options.cacheDir.empty() ? runDir / "eval" / "cache" : options.cacheDir;
    Expected<std::string> testSpec =
        testSpecFor(options.testData, run.config.dataset.kind == "fashion-mnist", options.accuracy);
    if (!testSpec) {
        return testSpec.error();
    }
    if (auto done = attachTest(inputs, options.accuracy ? testSpec.value() : std::string());
        !done) {
        return done.error();
    }
    Expected<EvaluationReport> report = evaluateInputs(inputs, options);
    if (!report) {
        return report;
    }
    nlohmann::json json = report->toJson();
    json["run"] = runDir.string();
    json["checkpoint_step"] = readJsonFile(run.paths.generated() / "info.json")
                                  .value()
                                  .value("checkpoint_step", std::int64_t{0});
    if (auto done = writeJsonFile(runDir / "eval.json", json); !done) {
        return done.error();
    }
    return report;
}

Expected<EvaluationReport> evaluateImages(const std::string &images, const std::string &reference,
                                          const EvaluationOptions &options)
{
    EvaluationInputs inputs;
    Expected<LabelledImages> generated = loadImageSet(images);
    if (!generated) {
        return generated.error();
    }
    inputs.generated = std::move(generated).value();
    Expected<LabelledImages> real = loadImageSet(reference);
    if (!real) {
        return real.error();
    }
    inputs.reference = std::move(real).value();
    inputs.referenceSplit = fmt::format("{} ({} images, fingerprint {})", reference,
                                        inputs.reference.size(), inputs.reference.fingerprint);
    inputs.cacheDir = options.cacheDir;
    Expected<std::string> testSpec =
        testSpecFor(options.testData, reference.rfind("fashion-mnist", 0) == 0, options.accuracy);
    if (!testSpec) {
        return testSpec.error();
    }
    if (auto done = attachTest(inputs, options.accuracy ? testSpec.value() : std::string());
        !done) {
        return done.error();
    }
    return evaluateInputs(inputs, options);
}

Expected<FidBenchmarkResult> benchmarkFidThroughput(const EvaluationOptions &options,
                                                    std::int64_t images)
{
    Expected<std::unique_ptr<FeatureBackbone>> backbone = loadOptionsBackbone(options);
    if (!backbone) {
        return backbone.error();
    }
    auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
    const torch::Tensor batch =
        torch::randint(0, 256, {images, 1, 28, 28}, generator, torch::kInt64).to(torch::kUInt8);
    (void)backbone.value()->features(batch.slice(0, 0, 8)); // warm-up
    const auto start = Clock::now();
    Expected<torch::Tensor> features = backbone.value()->features(batch);
    const double seconds = secondsSince(start);
    if (!features) {
        return features.error();
    }
    FidBenchmarkResult result;
    result.backbone = backbone.value()->info().id;
    result.images = images;
    result.dimension = features->size(1);
    result.imagesPerSecond = static_cast<double>(images) / seconds;
    return result;
}

} // namespace dpsapf::core
