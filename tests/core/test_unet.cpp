// SPDX-License-Identifier: GPL-3.0-or-later
// The SD-family UNet against the upstream diffusers fixtures (sd-tiny/unet and unet_sd2), names,
// the 128 candidate matrices, config handling and load errors.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "model/common/state_dict.h"
#include "model/unet/unet.h"
#include "sd_tiny_fixtures.h"

#include "test_registry.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace dpsapf::core;

namespace {

const std::filesystem::path &kFixtures = dpsapf::test::kSdTinyFixtures;
const auto npy = dpsapf::test::loadFixtureNpy;

double maxAbsDifference(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}

} // namespace

class TestUNet final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesDiffusersFixture_data();
    void matchesDiffusersFixture();
    void exposesTheCandidateMatrices();
    void namesMatchTheCheckpoint();
    void configRoundTripsAndDetects();
    void invalidConfigsAreErrors();
    void loadErrorsNameTheProblem();
    void loraStartsAsIdentityAndChangesOutput();
};

void TestUNet::matchesDiffusersFixture_data()
{
    QTest::addColumn<QString>("folder");
    QTest::newRow("SD1 style (conv projections)") << QStringLiteral("unet");
    QTest::newRow("SD2 style (linear projections, head list)") << QStringLiteral("unet_sd2");
}

void TestUNet::matchesDiffusersFixture()
{
    QFETCH(QString, folder);
    const auto dir = kFixtures / folder.toStdString();
    auto unet = loadUNetFolder(dir);
    QVERIFY2(unet.hasValue(), unet ? "" : unet.error().message.c_str());
    torch::NoGradGuard noGrad;
    const torch::Tensor sample = npy(dir / "sample.npy");
    const torch::Tensor timesteps = npy(dir / "timestep.npy");
    const torch::Tensor context = npy(dir / "encoder_hidden_states.npy");
    const torch::Tensor out = unet.value()->forward(sample, timesteps, context);
    const double error = maxAbsDifference(out, npy(dir / "out.npy"));
    QVERIFY2(error <= 1e-5, qPrintable(QStringLiteral("max abs error %1").arg(error)));
    const torch::Tensor scalarOut = unet.value()->forward(sample, torch::tensor(500), context);
    const double scalarError =
        maxAbsDifference(scalarOut, npy(dir / "timestep_scalar_500_out.npy"));
    QVERIFY2(scalarError <= 1e-5, qPrintable(QStringLiteral("max abs error %1").arg(scalarError)));
}

void TestUNet::exposesTheCandidateMatrices()
{
    auto unet = loadUNetFolder(kFixtures / "unet");
    QVERIFY(unet.hasValue());
    const auto blocks = unet.value()->transformerBlocks();
    QCOMPARE(blocks.size(), std::size_t(16));
    QCOMPARE(blocks.front().first, std::string("down_blocks.0.attentions.0.transformer_blocks.0"));
    QCOMPARE(blocks[6].first, std::string("mid_block.attentions.0.transformer_blocks.0"));
    QCOMPARE(blocks.back().first, std::string("up_blocks.3.attentions.2.transformer_blocks.0"));
    const auto projections = unet.value()->attentionProjections();
    QCOMPARE(projections.size(), std::size_t(128));
    QCOMPARE(projections[5].first,
             std::string("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k"));
    QCOMPARE(projections[7].first,
             std::string("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_out.0"));
    // attn2 to_k/to_v read the context (cross_attention_dim 32); to_out.0 has a bias.
    QCOMPARE(projections[5].second->weight.size(1), std::int64_t(32));
    QVERIFY(projections[7].second->bias.defined());
    QVERIFY(!projections[4].second->bias.defined());
}

void TestUNet::namesMatchTheCheckpoint()
{
    auto header = readSafetensorsHeader(kFixtures / "unet/diffusion_pytorch_model.safetensors");
    QVERIFY(header.hasValue());
    std::map<std::string, std::vector<std::int64_t>> fileShapes;
    for (const auto &entry : header->entries) {
        fileShapes[entry.name] = entry.shape;
    }
    auto unet = loadUNetFolder(kFixtures / "unet");
    const TensorMap state = moduleStateDict(*unet.value());
    QCOMPARE(state.size(), fileShapes.size());
    for (const auto &[name, tensor] : state) {
        QVERIFY2(fileShapes.count(name) == 1, name.c_str());
        QCOMPARE(std::vector<std::int64_t>(tensor.sizes().begin(), tensor.sizes().end()),
                 fileShapes[name]);
    }
    std::int64_t parameters = 0;
    for (const auto &parameter : unet.value()->parameters()) {
        parameters += parameter.numel();
    }
    QCOMPARE(parameters, std::int64_t(556572));
}

void TestUNet::configRoundTripsAndDetects()
{
    std::ifstream in(kFixtures / "unet_sd2/config.json");
    const auto json = nlohmann::json::parse(in);
    const auto config = UNetConfig::fromConfigJson(json);
    QVERIFY(config.hasValue());
    QCOMPARE(config->attentionHeads, (std::vector<std::int64_t>{2, 4, 8, 8}));
    QVERIFY(config->useLinearProjection);
    const auto again = UNetConfig::fromConfigJson(config->toConfigJson());
    QVERIFY(again.hasValue());
    QCOMPARE(again->blockOutChannels, config->blockOutChannels);
    QCOMPARE(again->attentionHeads, config->attentionHeads);

    auto header = readSafetensorsHeader(kFixtures / "unet_sd2/diffusion_pytorch_model.safetensors");
    std::map<std::string, std::vector<std::int64_t>> shapes;
    for (const auto &entry : header->entries) {
        shapes[entry.name] = entry.shape;
    }
    UNetConfig defaults;
    defaults.attentionHeads = {2, 4, 8, 8};
    defaults.normNumGroups = 4;
    const auto detected = UNetConfig::detectFromWeights(shapes, defaults);
    QVERIFY2(detected.hasValue(), detected ? "" : detected.error().message.c_str());
    QCOMPARE(detected->blockOutChannels, config->blockOutChannels);
    QCOMPARE(detected->crossAttentionDim, std::int64_t(32));
    QCOMPARE(detected->layersPerBlock, std::int64_t(2));
    QVERIFY(detected->useLinearProjection);
    QCOMPARE(detected->downBlockHasAttention, config->downBlockHasAttention);
    QCOMPARE(detected->upBlockHasAttention, config->upBlockHasAttention);
}

void TestUNet::invalidConfigsAreErrors()
{
    UNetConfig config;
    config.blockOutChannels = {320, 640, 1000, 1280};
    QVERIFY(config.validate().error().message.find("norm_num_groups") != std::string::npos);
    config = UNetConfig{};
    config.attentionHeads = {7, 8, 8, 8};
    QVERIFY(config.validate().error().message.find("attention_head_dim") != std::string::npos);
    nlohmann::json json = UNetConfig{}.toConfigJson();
    json["down_block_types"][0] = "SimpleCrossAttnDownBlock2D";
    QVERIFY(UNetConfig::fromConfigJson(json).error().message.find("down_block_types") !=
            std::string::npos);
    json = UNetConfig{}.toConfigJson();
    json["class_embed_type"] = "timestep";
    QVERIFY(UNetConfig::fromConfigJson(json).error().message.find("class_embed_type") !=
            std::string::npos);
}

void TestUNet::loadErrorsNameTheProblem()
{
    QTemporaryDir dir;
    const std::filesystem::path folder = dir.path().toStdString();
    QVERIFY(loadUNetFolder(folder).error().message.find("config.json") != std::string::npos);
    std::filesystem::copy_file(kFixtures / "unet/config.json", folder / "config.json");
    // Weights of the other (SD2-style) fixture do not fit this config.
    std::filesystem::copy_file(kFixtures / "unet_sd2/diffusion_pytorch_model.safetensors",
                               folder / "diffusion_pytorch_model.safetensors");
    const auto mismatch = loadUNetFolder(folder);
    QVERIFY(!mismatch.hasValue());
    QVERIFY2(mismatch.error().message.find("has shape") != std::string::npos,
             mismatch.error().message.c_str());
    QVERIFY(mismatch.error().message.find("diffusion_pytorch_model.safetensors") !=
            std::string::npos);
}

void TestUNet::loraStartsAsIdentityAndChangesOutput()
{
    auto unet = loadUNetFolder(kFixtures / "unet").value();
    torch::NoGradGuard noGrad;
    const torch::Tensor sample = npy(kFixtures / "unet/sample.npy");
    const torch::Tensor timesteps = npy(kFixtures / "unet/timestep.npy");
    const torch::Tensor context = npy(kFixtures / "unet/encoder_hidden_states.npy");
    const torch::Tensor base = unet->forward(sample, timesteps, context);
    auto generator = at::detail::createCPUGenerator(0);
    for (auto &[name, projection] : unet->attentionProjections()) {
        projection->attachLora(4, 4.0, generator);
    }
    // B = 0: adapters start as the identity.
    QCOMPARE(maxAbsDifference(unet->forward(sample, timesteps, context), base), 0.0);
    QCOMPARE(unet->named_parameters().size(), std::size_t(686 + 2 * 128));
    QVERIFY(unet->named_parameters().contains(
        "mid_block.attentions.0.transformer_blocks.0.attn2.to_v.lora_B.weight"));
    unet->attentionProjections()[0].second->loraB().fill_(0.5);
    QVERIFY(maxAbsDifference(unet->forward(sample, timesteps, context), base) > 1e-4);
}

DPSAPF_REGISTER_TEST(TestUNet)
#include "test_unet.moc"
