// SPDX-License-Identifier: GPL-3.0-or-later
// The pipeline end to end on a tiny dataset with the bundled model: every file of the run folder
// and its export (shapes, dtypes, key names, formats), the ledger under its target, resume after a
// stop giving identical results, the DP-LoRA variant, and bad input that must not destroy a run.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "data/image_codec.h"
#include "dpsapf/core/atomic_file.h"
#include "dpsapf/core/npy.h"
#include "dpsapf/core/privacy_ledger.h"
#include "dpsapf/core/run_layout.h"
#include "dpsapf/core/run_pipeline.h"
#include "dpsapf/core/run_summary.h"
#include "io/npz_writer.h"
#include "io/torch_tensors.h"
#include "pipeline/dp_checkpoint.h"
#include "tensor_maps.h"

#include "test_registry.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <set>

using namespace dpsapf::core;
using dpsapf::test::loadTensors;
using dpsapf::test::sameTensors;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kRecords = 80;
constexpr std::int64_t kClasses = 4;

// 28 x 28 gray images in the DPImageBench npz layout: class k is a bright square in quadrant k.
fs::path writeTinyDataset(const fs::path &folder)
{
    torch::manual_seed(5);
    torch::Tensor x = torch::rand({kRecords, 1, 28, 28}) * 0.2;
    torch::Tensor y = torch::arange(kRecords, torch::kInt64) % kClasses;
    for (std::int64_t i = 0; i < kRecords; ++i) {
        const std::int64_t k = i % kClasses;
        x[i].slice(1, 4 + (k / 2) * 12, 12 + (k / 2) * 12)
            .slice(2, 4 + (k % 2) * 12, 12 + (k % 2) * 12)
            .fill_(0.9);
    }
    const auto bytes = [](const torch::Tensor &tensor) {
        return serializeNpy(fromTorch(tensor).value()).value();
    };
    const fs::path path = folder / "tiny.npz";
    if (!writeStoredZip(path, {{"x.npy", bytes(x)}, {"y.npy", bytes(y)}})) {
        return {};
    }
    return path;
}

RunConfig tinyConfig(const fs::path &dataset)
{
    RunConfig config;
    config.name = "tiny";
    config.dataset.kind = "npz";
    config.dataset.path = dataset.string();
    config.dataset.classNames = {"top-left", "top-right", "bottom/left", "bottom-right"};
    config.probe.sampleSize = 24;
    config.probe.microBatchSize = 12;
    config.train.steps = 4;
    config.train.batchSize = 8;
    config.train.microBatchSize = 6;
    config.train.checkpointEvery = 2;
    config.train.gridSamplesPerClass = 1;
    config.generate.imagesPerClass = 3;
    config.generate.steps = 2;
    config.generate.batchSize = 5;
    return config;
}

Expected<RunOutcome> runAll(const RunConfig &config, const fs::path &dir, RunControl *control,
                            RunOpenMode mode = RunOpenMode::Create)
{
    if (auto prepared = prepareRun(config, dir, mode, {}); !prepared) {
        return prepared.error();
    }
    return runRemainingStages(dir, control, {});
}

nlohmann::json readJson(const fs::path &path)
{
    return nlohmann::json::parse(readWholeFile(path).value());
}

} // namespace

class TestPipeline final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void runFolderHasEveryFile();
    void ledgerStaysUnderTheTarget();
    void saliencyFiles();
    void exportedArraysAndImages();
    void exportedLoraAndReport();
    void resumeAfterStopIsIdentical();
    void dpLoraRunsWithoutProbe();
    void otherVariants();
    void existingRunsAreNeverOverwritten();
    void failedCheckpointKeepsThePreviousOne();

private:
    QTemporaryDir m_temp;
    fs::path m_dataset;
    fs::path m_run;
};

void TestPipeline::initTestCase()
{
    QVERIFY(m_temp.isValid());
    m_dataset = writeTinyDataset(m_temp.path().toStdString());
    QVERIFY(!m_dataset.empty());
    m_run = fs::path(m_temp.path().toStdString()) / "run";
    const Expected<RunOutcome> outcome = runAll(tinyConfig(m_dataset), m_run, nullptr);
    QVERIFY2(outcome, outcome ? "" : outcome.error().message.c_str());
    QCOMPARE(outcome.value(), RunOutcome::Completed);
}

void TestPipeline::runFolderHasEveryFile()
{
    const RunPaths paths{m_run};
    for (const fs::path &file :
         {paths.config(), paths.ledger(), paths.metrics(), paths.scores(), paths.selection(),
          paths.tuningLayers(), paths.latestCheckpoint() / "trainable.safetensors",
          paths.latestCheckpoint() / "optimizer.safetensors",
          paths.latestCheckpoint() / "state.json", paths.latestCheckpoint() / "ledger.json",
          paths.sampleGrid(0), paths.sampleGrid(2), paths.sampleGrid(4),
          paths.data() / "train_indices.npy", paths.logs() / "run.log",
          paths.generated() / "images.npy"}) {
        QVERIFY2(fs::is_regular_file(file), file.string().c_str());
    }
    const nlohmann::json config = readJson(paths.config());
    QCOMPARE(config.at("resolved").at("train_records").get<std::int64_t>(),
             kRecords - kRecords / 12);
    QCOMPARE(config.at("resolved").at("delta_rule").get<std::string>(), std::string("1/(N ln N)"));
    QCOMPARE(config.at("config").at("train").at("steps").get<std::int64_t>(), std::int64_t{4});
    // metrics.jsonl: one line per step plus one per checkpoint, steps ascending, and live
    // evaluation lines (test_evaluation.cpp checks those).
    std::ifstream metrics(paths.metrics());
    std::vector<std::int64_t> steps;
    int checkpoints = 0;
    for (std::string line; std::getline(metrics, line);) {
        const auto json = nlohmann::json::parse(line);
        if (json.value("checkpoint", false)) {
            ++checkpoints;
            QVERIFY(json.at("epsilon").get<double>() > 0.0);
        } else if (json.value("eval", false)) {
            QVERIFY(json.contains("fid") && json.contains("accuracy_proxy"));
        } else {
            steps.push_back(json.at("step").get<std::int64_t>());
            QVERIFY(json.contains("epsilon_rdp"));
        }
    }
    QCOMPARE(steps, (std::vector<std::int64_t>{1, 2, 3, 4}));
    QCOMPARE(checkpoints, 2);
    const Expected<RunSummary> summary = readRunSummary(m_run);
    QVERIFY(summary);
    QCOMPARE(summary->stepsDone, std::int64_t{4});
    QCOMPARE(summary->selectedMatrices, std::int64_t{38});
    QVERIFY(summary->exported);
}

void TestPipeline::ledgerStaysUnderTheTarget()
{
    const Expected<PrivacyLedger> ledger = PrivacyLedger::load(RunPaths{m_run}.ledger());
    QVERIFY(ledger);
    QCOMPARE(ledger->entries().size(), std::size_t{2});
    QCOMPARE(ledger->entries()[0].kind, std::string("probe"));
    QCOMPARE(ledger->entries()[0].mechanism.noiseMultiplier, 5.0);
    QCOMPARE(ledger->entries()[1].kind, std::string("dp-sgd"));
    QCOMPARE(ledger->entries()[1].mechanism.count, std::int64_t{4});
    for (AccountantKind accountant : {AccountantKind::Prv, AccountantKind::Rdp}) {
        const Expected<EpsilonReport> spent = ledger->epsilon(accountant);
        QVERIFY(spent);
        QVERIFY(spent->epsilon > 0.0);
        if (accountant == AccountantKind::Prv) {
            QVERIFY2(spent->epsilon <= 10.0, std::to_string(spent->epsilon).c_str());
        }
    }
}

void TestPipeline::saliencyFiles()
{
    const RunPaths paths{m_run};
    const nlohmann::json scores = readJson(paths.scores());
    QCOMPARE(scores.at("keys").size(), std::size_t{128});
    QCOMPARE(scores.at("noisy_scores").size(), std::size_t{128});
    QCOMPARE(scores.at("shapes").size(), std::size_t{128});
    QCOMPARE(scores.at("k").get<std::int64_t>(), std::int64_t{38});
    int selected = 0;
    for (const auto &flag : scores.at("selected")) {
        selected += flag.get<bool>() ? 1 : 0;
    }
    QCOMPARE(selected, 38);
    QCOMPARE(scores.at("sigma_s").get<double>(), 5.0);
    // tuning_layers.json: processor -> sorted letters from {q, k, v, o}; keys sorted; 38 in all.
    const nlohmann::json tuning = readJson(paths.tuningLayers());
    QVERIFY(tuning.is_object());
    std::size_t letters = 0;
    std::string previous;
    for (const auto &[processor, list] : tuning.items()) {
        QVERIFY(processor > previous);
        previous = processor;
        QVERIFY(processor.size() > 10 &&
                processor.compare(processor.size() - 10, 10, ".processor") == 0);
        std::string last;
        for (const auto &letter : list) {
            const std::string value = letter.get<std::string>();
            QVERIFY(value == "q" || value == "k" || value == "v" || value == "o");
            QVERIFY(value > last);
            last = value;
            ++letters;
        }
    }
    QCOMPARE(letters, std::size_t{38});
    const nlohmann::json selection = readJson(paths.selection());
    QCOMPARE(selection.at("selected").size(), std::size_t{38});
    QVERIFY(selection.at("trainable_parameters").get<std::int64_t>() <
            selection.at("dp_lora_parameters").get<std::int64_t>());
}

void TestPipeline::exportedArraysAndImages()
{
    const fs::path out = RunPaths{m_run}.exportDir();
    const std::int64_t n = kClasses * 3;
    const Expected<RawTensor> images = readNpy(out / "syn_images.npy");
    QVERIFY(images);
    QCOMPARE(images->dtype, TensorDType::F32);
    QCOMPARE(images->shape, (std::vector<std::int64_t>{n, 3, 28, 28}));
    const torch::Tensor values = toTorch(images.value()).value();
    QVERIFY(values.min().item<float>() >= 0.0f && values.max().item<float>() <= 1.0f);
    QVERIFY(torch::allclose(values * 255.0, (values * 255.0).round(), 0.0, 1e-3));
    const Expected<RawTensor> labels = readNpy(out / "syn_labels.npy");
    QVERIFY(labels);
    QCOMPARE(labels->dtype, TensorDType::I64);
    const torch::Tensor labelValues = toTorch(labels.value()).value();
    QVERIFY(torch::equal(labelValues, torch::arange(kClasses, torch::kInt64).repeat_interleave(3)));
    // gen.npz: x.npy (N, 1, 28, 28) <f4 and y.npy <i8, stored.
    LoadReport report;
    DatasetSource npz;
    npz.kind = DatasetSource::Kind::Npz;
    npz.path = out / "gen.npz";
    const auto reloaded = loadDataset(npz, BadFilePolicy::Fail, &report);
    QVERIFY2(reloaded, reloaded ? "" : reloaded.error().message.c_str());
    QCOMPARE((*reloaded)->size(), n);
    QCOMPARE((*reloaded)->image(0).channels, 1);
    QCOMPARE((*reloaded)->image(0).width, 28);
    // sample.png: 8 per row, one row per class, 1 px padding.
    const Expected<Image> grid = readImageFile(out / "sample.png");
    QVERIFY(grid);
    QCOMPARE(grid->width, 8 * 29 + 1);
    QCOMPARE(grid->height, static_cast<std::int32_t>(kClasses * 29 + 1));
    QCOMPARE(grid->channels, 3);
    // Class folders: names made safe ("bottom/left" -> "bottom_left").
    QVERIFY(fs::is_regular_file(out / "images" / "bottom_left" / "00002.png"));
    QVERIFY(fs::is_regular_file(out / "images" / "top-left" / "00000.png"));
}

void TestPipeline::exportedLoraAndReport()
{
    const fs::path out = RunPaths{m_run}.exportDir();
    const TensorMap peft = loadTensors(out / "pytorch_lora_weights.safetensors");
    QCOMPARE(peft.size(), std::size_t{2 * 38});
    const std::vector<std::string> selected =
        readJson(RunPaths{m_run}.selection()).at("selected").get<std::vector<std::string>>();
    for (const auto &module : selected) {
        QVERIFY2(peft.count("unet." + module + ".lora_A.weight") == 1, module.c_str());
        QCOMPARE(peft.at("unet." + module + ".lora_B.weight").size(1), std::int64_t{4});
    }
    const TensorMap kohya = loadTensors(out / "lora_kohya.safetensors");
    QCOMPARE(kohya.size(), std::size_t{3 * 38});
    QCOMPARE(kohya.count("lora_unet_" +
                         [&] {
                             std::string name = selected.front();
                             std::replace(name.begin(), name.end(), '.', '_');
                             return name;
                         }() +
                         ".alpha"),
             std::size_t{1});
    QVERIFY(fs::is_regular_file(out / "conditioner.safetensors"));
    const nlohmann::json report = readJson(out / "privacy_report.json");
    for (const char *key :
         {"guarantee", "mechanisms", "dataset", "probe", "selection", "training", "generation",
          "randomness", "covers", "does_not_cover", "software_version"}) {
        QVERIFY2(report.contains(key), key);
    }
    const auto &guarantee = report.at("guarantee");
    QCOMPARE(guarantee.at("target_epsilon").get<double>(), 10.0);
    QVERIFY(guarantee.at("epsilon_spent").at("prv").at("epsilon").get<double>() <= 10.0);
    QVERIFY(guarantee.at("epsilon_spent").at("rdp").contains("epsilon"));
    QCOMPARE(report.at("dataset").at("fingerprint").get<std::string>().size(), std::size_t{16});
    const std::string markdown = readWholeFile(out / "privacy_report.md").value();
    QVERIFY(markdown.find("What it does not cover") != std::string::npos);
    QVERIFY(markdown.find("not private") != std::string::npos);
}

void TestPipeline::resumeAfterStopIsIdentical()
{
    const fs::path dir = fs::path(m_temp.path().toStdString()) / "stopped";
    RunControl control;
    control.stopAfterCheckpoint = true;
    const Expected<RunOutcome> first = runAll(tinyConfig(m_dataset), dir, &control);
    QVERIFY2(first, first ? "" : first.error().message.c_str());
    QCOMPARE(first.value(), RunOutcome::Stopped);
    const Expected<nlohmann::json> state =
        readJson(RunPaths{dir}.latestCheckpoint() / "state.json");
    QCOMPARE(state->at("step").get<std::int64_t>(), std::int64_t{2});
    QVERIFY(!fs::exists(RunPaths{dir}.exportDir()));

    control.stopAfterCheckpoint = false;
    const Expected<RunOutcome> second = runRemainingStages(dir, &control, {});
    QVERIFY2(second, second ? "" : second.error().message.c_str());
    QCOMPARE(second.value(), RunOutcome::Completed);
    const auto trained = [](const fs::path &run) {
        return loadTensors(RunPaths{run}.latestCheckpoint() / "trainable.safetensors");
    };
    QVERIFY(sameTensors(trained(dir), trained(m_run)));
    QCOMPARE(readJson(RunPaths{dir}.ledger()).at("events"),
             readJson(RunPaths{m_run}.ledger()).at("events"));
    const auto generated = [](const fs::path &run) {
        return loadNpyTensor(RunPaths{run}.generated() / "images.npy").value();
    };
    QVERIFY(torch::equal(generated(dir), generated(m_run)));
}

void TestPipeline::dpLoraRunsWithoutProbe()
{
    RunConfig config = tinyConfig(m_dataset);
    config.variant = RunVariant::DpLora;
    config.train.steps = 2;
    config.exports = ExportSettings{false, false, false, false, true, true};
    const fs::path dir = fs::path(m_temp.path().toStdString()) / "dp-lora";
    const Expected<RunOutcome> outcome = runAll(config, dir, nullptr);
    QVERIFY2(outcome, outcome ? "" : outcome.error().message.c_str());
    const RunPaths paths{dir};
    QVERIFY(!fs::exists(paths.scores()));
    const Expected<PrivacyLedger> ledger = PrivacyLedger::load(paths.ledger());
    QCOMPARE(ledger->entries().size(), std::size_t{1});
    QCOMPARE(ledger->entries()[0].kind, std::string("dp-sgd"));
    QCOMPARE(readJson(paths.selection()).at("k").get<std::int64_t>(), std::int64_t{128});
    QCOMPARE(loadTensors(paths.exportDir() / "pytorch_lora_weights.safetensors").size(),
             std::size_t{256});
    // Without the probe the same budget buys less noise.
    const double sigmaLora = readJson(paths.config()).at("resolved").at("noise_multiplier");
    RunConfig withProbe = tinyConfig(m_dataset);
    withProbe.train.steps = 2;
    const fs::path probeDir = fs::path(m_temp.path().toStdString()) / "prepared-only";
    QVERIFY(prepareRun(withProbe, probeDir, RunOpenMode::Create, {}));
    const double sigmaSapf =
        readJson(RunPaths{probeDir}.config()).at("resolved").at("noise_multiplier");
    QVERIFY2(sigmaLora < sigmaSapf,
             (std::to_string(sigmaLora) + " vs " + std::to_string(sigmaSapf)).c_str());
}

void TestPipeline::otherVariants()
{
    RunConfig config = tinyConfig(m_dataset);
    config.train.steps = 1;
    config.train.gridSamplesPerClass = 0;
    config.generate.imagesPerClass = 1;
    config.exports = ExportSettings{false, false, false, false, true, true};
    const fs::path root = m_temp.path().toStdString();
    // Layer-level: floor(0.3 * 32) = 9 processors, all four projections each.
    config.variant = RunVariant::LayerLevel;
    QVERIFY(runAll(config, root / "layer", nullptr));
    QCOMPARE(readJson(RunPaths{root / "layer"}.scores()).at("keys").size(), std::size_t{32});
    QCOMPARE(readJson(RunPaths{root / "layer"}.selection()).at("k").get<std::int64_t>(),
             std::int64_t{36});
    QVERIFY(readJson(RunPaths{root / "layer"}.tuningLayers()).size() == 9);
    // Direct fine-tuning of the selected weights: tuned weights instead of LoRA.
    config.variant = RunVariant::NoLora;
    QVERIFY(runAll(config, root / "no-lora", nullptr));
    const TensorMap tuned =
        loadTensors(RunPaths{root / "no-lora"}.exportDir() / "tuned_weights.safetensors");
    QVERIFY(tuned.size() >= 38);
    QVERIFY(
        !fs::exists(RunPaths{root / "no-lora"}.exportDir() / "pytorch_lora_weights.safetensors"));
    // All parameters: every linear layer is a candidate, the selected ones are tuned directly.
    config.variant = RunVariant::AllParameters;
    QVERIFY(runAll(config, root / "all", nullptr));
    const nlohmann::json allScores = readJson(RunPaths{root / "all"}.scores());
    const std::size_t candidates = allScores.at("keys").size();
    QVERIFY(candidates > 128);
    const auto keys = allScores.at("keys").get<std::vector<std::string>>();
    QVERIFY(std::find(keys.begin(), keys.end(), "time_embedding.linear_1") != keys.end());
    QCOMPARE(readJson(RunPaths{root / "all"}.selection()).at("k").get<std::size_t>(),
             static_cast<std::size_t>(0.3 * static_cast<double>(candidates)));
    QVERIFY(fs::exists(RunPaths{root / "all"}.exportDir() / "tuned_weights.safetensors"));
    // Random with charge_probe: the probe is charged, not run; sigma as for dp-sapf.
    config.variant = RunVariant::Random;
    config.chargeProbe = true;
    QVERIFY(runAll(config, root / "random", nullptr));
    const Expected<PrivacyLedger> ledger = PrivacyLedger::load(RunPaths{root / "random"}.ledger());
    QCOMPARE(ledger->entries().front().kind, std::string("probe"));
    QVERIFY(!fs::exists(RunPaths{root / "random"}.scores()));
    QCOMPARE(readJson(RunPaths{root / "random"}.selection()).at("k").get<std::int64_t>(),
             std::int64_t{38});
}

void TestPipeline::existingRunsAreNeverOverwritten()
{
    const RunConfig config = tinyConfig(m_dataset);
    const std::string ledgerBefore = readWholeFile(RunPaths{m_run}.ledger()).value();
    const Expected<RunConfig> again = prepareRun(config, m_run, RunOpenMode::Create, {});
    QVERIFY(!again);
    QVERIFY(again.error().message.find("--resume") != std::string::npos);
    QCOMPARE(readWholeFile(RunPaths{m_run}.ledger()).value(), ledgerBefore);
    // --force refuses a folder that is not a run.
    const fs::path other = fs::path(m_temp.path().toStdString()) / "photos";
    fs::create_directories(other);
    std::ofstream(other / "holiday.jpg") << "x";
    const Expected<RunConfig> forced = prepareRun(config, other, RunOpenMode::Force, {});
    QVERIFY(!forced);
    QVERIFY(fs::exists(other / "holiday.jpg"));
    // delta >= 1/N is refused before anything is written.
    RunConfig badDelta = config;
    badDelta.privacy.delta = 0.5;
    const fs::path badDir = fs::path(m_temp.path().toStdString()) / "bad-delta";
    const Expected<RunConfig> refused = prepareRun(badDelta, badDir, RunOpenMode::Create, {});
    QVERIFY(!refused);
    QVERIFY(refused.error().message.rfind("privacy.delta:", 0) == 0);
    QVERIFY(!fs::exists(RunPaths{badDir}.config()));
    // A missing dataset names the file.
    RunConfig missing = config;
    missing.dataset.path = "/nonexistent/data.npz";
    const Expected<RunConfig> noData = prepareRun(
        missing, fs::path(m_temp.path().toStdString()) / "no-data", RunOpenMode::Create, {});
    QVERIFY(!noData);
    QVERIFY(noData.error().message.find("/nonexistent/data.npz") != std::string::npos);
    // A stage on a folder that is not a run.
    QVERIFY(!runStage(other, RunStage::Train, nullptr, {}));
}

void TestPipeline::failedCheckpointKeepsThePreviousOne()
{
    const fs::path latest = RunPaths{m_run}.latestCheckpoint();
    const Expected<DpCheckpoint> before = readDpCheckpoint(latest);
    QVERIFY(before);
    DpCheckpoint changed = before.value();
    changed.step = 99;
    for (auto &[name, tensor] : changed.trainable) {
        tensor = tensor + 1.0;
    }
    const auto refuse = [](const fs::path &) -> Expected<bool> {
        return makeError(ErrorCode::Io, "simulated: disk full");
    };
    const Expected<bool> written = writeDpCheckpoint(latest, changed, refuse);
    QVERIFY(!written);
    const Expected<DpCheckpoint> after = readDpCheckpoint(latest);
    QVERIFY(after);
    QCOMPARE(after->step, before->step);
    QVERIFY(sameTensors(after->trainable, before->trainable));
    QVERIFY(!fs::exists(latest.string() + ".tmp"));
}

DPSAPF_REGISTER_TEST(TestPipeline)
#include "test_pipeline.moc"
