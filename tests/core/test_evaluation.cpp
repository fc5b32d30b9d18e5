// SPDX-License-Identifier: GPL-3.0-or-later
// Evaluation: SHA-256 vectors, FID with the bundled backbone (a set against itself is 0, real
// train vs real test is small, real vs noise is large), the reference-statistics cache, k-NN
// precision/recall, a TorchScript backbone written here, bad inputs that name the file, label
// alignment, live metrics in a tiny run's metrics.jsonl and `evaluateRun`'s eval.json.
#include <torch/script.h> // before any Qt header (stack.md G1)
#include <torch/torch.h>

#include "data/image_codec.h"
#include "dpsapf/core/atomic_file.h"
#include "dpsapf/core/evaluation.h"
#include "dpsapf/core/npy.h"
#include "dpsapf/core/run_pipeline.h"
#include "dpsapf/core/run_summary.h"
#include "eval/eval_data.h"
#include "eval/fid.h"
#include "io/npz_writer.h"
#include "io/torch_tensors.h"
#include "util/sha256.h"

#include "test_registry.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace dpsapf::core;
namespace fs = std::filesystem;

namespace {

// The first `count` images of a Fashion-MNIST split as uint8 [N, 1, 28, 28].
torch::Tensor fashionImages(bool train, std::int64_t first, std::int64_t count)
{
    const auto dataset = loadFashionMnist(kFashionMnistDir, train);
    if (!dataset) {
        return {};
    }
    torch::Tensor out = torch::empty({count, 1, 28, 28}, torch::kUInt8);
    for (std::int64_t i = 0; i < count; ++i) {
        const Image image = dataset.value()->image(first + i);
        std::memcpy(out[i].data_ptr<std::uint8_t>(), image.pixels.data(), image.byteCount());
    }
    return out;
}

double fidOf(FeatureBackbone &backbone, const torch::Tensor &a, const torch::Tensor &b)
{
    return frechetDistance(imageStatistics(backbone, a).value(),
                           imageStatistics(backbone, b).value())
        .value();
}

bool writeNpz(const fs::path &path, const torch::Tensor &x, const torch::Tensor &y)
{
    const auto bytes = [](const torch::Tensor &tensor) {
        return serializeNpy(fromTorch(tensor).value()).value();
    };
    return static_cast<bool>(writeStoredZip(path, {{"x.npy", bytes(x)}, {"y.npy", bytes(y)}}));
}

// 28 x 28 gray images, 4 classes: class k is a bright square in quadrant k.
fs::path writeQuadrants(const fs::path &folder, std::int64_t records)
{
    torch::manual_seed(5);
    torch::Tensor x = torch::rand({records, 1, 28, 28}) * 0.2;
    torch::Tensor y = torch::arange(records, torch::kInt64) % 4;
    for (std::int64_t i = 0; i < records; ++i) {
        const std::int64_t k = i % 4;
        x[i].slice(1, 4 + (k / 2) * 12, 12 + (k / 2) * 12)
            .slice(2, 4 + (k % 2) * 12, 12 + (k % 2) * 12)
            .fill_(0.9);
    }
    const fs::path path = folder / "quadrants.npz";
    return writeNpz(path, x, y) ? path : fs::path();
}

bool containsAll(const std::string &text, std::initializer_list<const char *> parts)
{
    for (const char *part : parts) {
        if (text.find(part) == std::string::npos) {
            return false;
        }
    }
    return true;
}

} // namespace

class TestEvaluation final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sha256Vectors();
    void fidOfASetWithItselfIsZero();
    void fidSeparatesRealFromNoise();
    void referenceStatisticsAreCached();
    void precisionRecallOnKnownSets();
    void torchScriptBackbone();
    void badInputsNameTheFile();
    void labelsAlignByName();
    void liveMetricsAndEvaluateRun();
};

void TestEvaluation::sha256Vectors()
{
    QCOMPARE(sha256Hex(""),
             std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    QCOMPARE(sha256Hex("abc"),
             std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QCOMPARE(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
             std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    QCOMPARE(sha256Hex(std::string(1000, 'a')).substr(0, 16), std::string("41edece42d63e8d9"));
}

void TestEvaluation::fidOfASetWithItselfIsZero()
{
    auto backbone = loadFeatureBackbone();
    QVERIFY2(backbone, backbone ? "" : backbone.error().message.c_str());
    QCOMPARE(backbone.value()->info().id, std::string("glyphnet-v1"));
    QCOMPARE(backbone.value()->info().weightsSha256.size(), std::size_t{64});
    const torch::Tensor images = fashionImages(true, 0, 600);
    QVERIFY(images.defined());
    const double fid = fidOf(*backbone.value(), images, images);
    QVERIFY2(std::abs(fid) <= 1e-6, std::to_string(fid).c_str());
}

void TestEvaluation::fidSeparatesRealFromNoise()
{
    auto backbone = loadFeatureBackbone();
    QVERIFY(backbone);
    const torch::Tensor train = fashionImages(true, 0, 2000);
    const torch::Tensor test = fashionImages(false, 0, 2000);
    torch::manual_seed(3);
    const torch::Tensor noise = torch::randint(0, 256, {2000, 1, 28, 28}).to(torch::kUInt8);
    const double real = fidOf(*backbone.value(), train, test);
    const double fake = fidOf(*backbone.value(), train, noise);
    // Shifted images (real content, wrong place) are between the two.
    const double shifted = fidOf(*backbone.value(), train, torch::roll(test, {6}, {3}));
    qInfo("FID glyphnet: train vs test %.3f, train vs shifted test %.3f, train vs noise %.3f", real,
          shifted, fake);
    QVERIFY2(real < 0.05 * fake, (std::to_string(real) + " vs " + std::to_string(fake)).c_str());
    QVERIFY(real < shifted && shifted < fake);
}

void TestEvaluation::referenceStatisticsAreCached()
{
    QTemporaryDir dir;
    auto backbone = loadFeatureBackbone();
    QVERIFY(backbone);
    const torch::Tensor images = fashionImages(false, 0, 300);
    const ReferenceKey key{"abc", "test", 300, "28x28x1"};
    const fs::path cache = fs::path(dir.path().toStdString()) / "cache";
    bool fromCache = true;
    const auto first = referenceStatistics(*backbone.value(), images, key, cache, &fromCache);
    QVERIFY(first);
    QVERIFY(!fromCache);
    const auto second = referenceStatistics(*backbone.value(), images, key, cache, &fromCache);
    QVERIFY(second);
    QVERIFY(fromCache);
    QVERIFY(torch::equal(first->covariance, second->covariance));
    // Another key (e.g. another split) is computed afresh.
    const ReferenceKey other{"abd", "test", 300, "28x28x1"};
    QVERIFY(referenceStatistics(*backbone.value(), images, other, cache, &fromCache));
    QVERIFY(!fromCache);
}

void TestEvaluation::precisionRecallOnKnownSets()
{
    torch::manual_seed(4);
    const torch::Tensor real = torch::randn({300, 8});
    const auto same = precisionRecall(real, real.clone(), 4);
    QVERIFY(same);
    QCOMPARE(same->precision, 1.0);
    QCOMPARE(same->recall, 1.0);
    const auto far = precisionRecall(real, torch::randn({200, 8}) + 100.0, 4);
    QVERIFY(far);
    QCOMPARE(far->precision, 0.0);
    QCOMPARE(far->recall, 0.0);
    // A generated set collapsed onto a small part of the real one: precise, little recall.
    const torch::Tensor collapsed = real.slice(0, 0, 20).repeat({5, 1});
    const auto mode = precisionRecall(real, collapsed, 4);
    QVERIFY(mode);
    QCOMPARE(mode->precision, 1.0);
    QVERIFY2(mode->recall < 0.3, std::to_string(mode->recall).c_str());
    QVERIFY(!precisionRecall(real, real.slice(0, 0, 4), 4)); // needs more than k samples
}

void TestEvaluation::torchScriptBackbone()
{
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "pool.pt";
    torch::jit::Module module("PoolBackbone");
    module.define(R"(
def forward(self, x, return_features: bool = False):
    pooled = x.mean(dim=[2, 3])
    if return_features:
        return torch.cat([pooled, x.amax(dim=[2, 3])], dim=1)
    return pooled
)");
    module.save(file.string());
    auto backbone = loadFeatureBackbone(file, BackboneInputRange::Bytes);
    QVERIFY2(backbone, backbone ? "" : backbone.error().message.c_str());
    QCOMPARE(backbone.value()->info().inputSize, std::int64_t{299});
    QVERIFY(containsAll(backbone.value()->info().resizer, {"299", "return_features"}));
    QCOMPARE(backbone.value()->info().weightsSha256, sha256File(file).value());
    const torch::Tensor images = fashionImages(false, 0, 5);
    const auto features = backbone.value()->features(images);
    QVERIFY(features);
    QCOMPARE(features->size(1), std::int64_t{6}); // return_features=True was passed
    const torch::Tensor expected = resizeForBackbone(images, 3, 299).mul(255.0).mean({2, 3});
    QVERIFY(torch::allclose(features->slice(1, 0, 3), expected, 1e-4, 1e-3));
}

void TestEvaluation::badInputsNameTheFile()
{
    QTemporaryDir dir;
    const fs::path root(dir.path().toStdString());
    // A backbone file that is not TorchScript.
    const fs::path notScript = root / "inception.pt";
    std::ofstream(notScript) << "this is not a TorchScript archive";
    const auto backbone = loadFeatureBackbone(notScript);
    QVERIFY(!backbone);
    QVERIFY2(containsAll(backbone.error().message, {"inception.pt", "not a TorchScript file"}),
             backbone.error().message.c_str());
    QVERIFY(!loadFeatureBackbone(root / "missing.pt"));
    // An empty folder.
    fs::create_directories(root / "empty");
    const auto empty = loadImageSet((root / "empty").string());
    QVERIFY(!empty);
    QVERIFY2(empty.error().message.find("empty") != std::string::npos,
             empty.error().message.c_str());
    // Class folders with images of two sizes.
    fs::create_directories(root / "mixed" / "a");
    fs::create_directories(root / "mixed" / "b");
    Image small{28, 28, 1, std::vector<std::uint8_t>(28 * 28, 100)};
    Image large{32, 32, 1, std::vector<std::uint8_t>(32 * 32, 100)};
    QVERIFY(writePng(root / "mixed" / "a" / "0.png", small));
    QVERIFY(writePng(root / "mixed" / "a" / "1.png", small));
    QVERIFY(writePng(root / "mixed" / "b" / "0.png", large));
    const auto mixed = loadImageSet((root / "mixed").string());
    QVERIFY(!mixed);
    QVERIFY2(containsAll(mixed.error().message,
                         {"mixed", "mismatched image sizes", "28x28x1", "32x32x1"}),
             mixed.error().message.c_str());
    // An unsupported file and a missing path.
    std::ofstream(root / "images.txt") << "1 2 3";
    const auto text = loadImageSet((root / "images.txt").string());
    QVERIFY(!text);
    QVERIFY(text.error().message.find("images.txt") != std::string::npos);
    QVERIFY(!loadImageSet((root / "nothing.npz").string()));
    // evaluateImages reports the same errors.
    EvaluationOptions options;
    options.accuracy = false;
    const auto report = evaluateImages((root / "empty").string(), "fashion-mnist:test", options);
    QVERIFY(!report);
}

void TestEvaluation::labelsAlignByName()
{
    LabelledImages images;
    images.classNames = {"Bag", "T-shirt_top"};
    images.labels = torch::tensor(std::vector<std::int64_t>{0, 1, 1}, torch::kInt64);
    images.description = "synthetic";
    const auto aligned = alignLabels(images, fashionMnistClassNames());
    QVERIFY(aligned);
    QCOMPARE(aligned->data_ptr<std::int64_t>()[0], std::int64_t{8});
    QCOMPARE(aligned->data_ptr<std::int64_t>()[1], std::int64_t{0});
    images.classNames = {"Bag", "Hat"};
    QVERIFY(!alignLabels(images, fashionMnistClassNames()));
    images.classNames = {"3", "7"};
    const auto numbered = alignLabels(images, fashionMnistClassNames());
    QVERIFY(numbered);
    QCOMPARE(numbered->data_ptr<std::int64_t>()[2], std::int64_t{7});
}

void TestEvaluation::liveMetricsAndEvaluateRun()
{
    QTemporaryDir dir;
    const fs::path root(dir.path().toStdString());
    const fs::path data = writeQuadrants(root, 80);
    QVERIFY(!data.empty());
    RunConfig config;
    config.name = "live";
    config.dataset.kind = "npz";
    config.dataset.path = data.string();
    config.probe.sampleSize = 24;
    config.probe.microBatchSize = 12;
    config.train.steps = 4;
    config.train.batchSize = 8;
    config.train.microBatchSize = 6;
    config.train.checkpointEvery = 2;
    config.train.gridSamplesPerClass = 0;
    config.generate.imagesPerClass = 6;
    config.generate.steps = 2;
    config.generate.batchSize = 12;
    config.eval.liveEvery = 1;
    config.eval.liveImagesPerClass = 3;
    config.eval.liveMaxCost = 0.0; // every due evaluation runs
    const fs::path run = root / "run";
    QVERIFY(prepareRun(config, run, RunOpenMode::Create, {}));
    const auto outcome = runRemainingStages(run, nullptr, {});
    QVERIFY2(outcome, outcome ? "" : outcome.error().message.c_str());

    std::ifstream metrics(run / "metrics.jsonl");
    std::vector<nlohmann::json> evals;
    for (std::string line; std::getline(metrics, line);) {
        const auto json = nlohmann::json::parse(line);
        if (json.value("eval", false)) {
            evals.push_back(json);
        }
    }
    QCOMPARE(evals.size(), std::size_t{4}); // steps 1..4
    for (std::size_t i = 0; i < evals.size(); ++i) {
        const nlohmann::json &line = evals[i];
        QCOMPARE(line.at("step").get<std::int64_t>(), static_cast<std::int64_t>(i + 1));
        QVERIFY(line.at("fid").get<double>() > 0.0);
        QCOMPARE(line.at("fid_backbone").get<std::string>(), std::string("glyphnet-v1"));
        QCOMPARE(line.at("fid_images").get<std::int64_t>(), std::int64_t{12});
        const double proxy = line.at("accuracy_proxy").get<double>();
        QVERIFY(proxy >= 0.0 && proxy <= 1.0);
    }
    QVERIFY(fs::exists(run / "eval" / "cache"));

    EvaluationOptions options;
    options.testData = data.string(); // the records double as a test set here
    options.accuracySeeds = 2;
    options.accuracyEpochs = 2;
    options.precisionRecall = true;
    options.maxPrecisionRecallImages = 50;
    const auto report = evaluateRun(run, options);
    QVERIFY2(report, report ? "" : report.error().message.c_str());
    const nlohmann::json json = nlohmann::json::parse(readWholeFile(run / "eval.json").value());
    for (const char *key : {"fid", "fid_backbone", "num_images", "accuracy_mean", "accuracy_std",
                            "precision", "recall", "fid_backbone_sha256", "fid_reference"}) {
        QVERIFY2(json.contains(key) && !json.at(key).is_null(), key);
    }
    QCOMPARE(json.at("num_images").get<std::int64_t>(), std::int64_t{24});
    QCOMPARE(json.at("dp_guarantee").get<bool>(), false);
    QVERIFY(json.at("privacy_note").get<std::string>().find("NOT covered") != std::string::npos);
    QCOMPARE(json.at("accuracy_per_seed").size(), std::size_t{2});
    const auto summary = readRunSummary(run);
    QVERIFY(summary && summary->fid && summary->accuracy);
    QCOMPARE(*summary->fid, json.at("fid").get<double>());
}

DPSAPF_REGISTER_TEST(TestEvaluation)
#include "test_evaluation.moc"
