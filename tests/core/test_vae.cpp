// SPDX-License-Identifier: GPL-3.0-or-later
// The SD VAE (AutoencoderKL) against the upstream diffusers fixtures (sd-tiny/vae): posterior,
// sampling, decoding, names and counts, the SD 1.5 topology, legacy attention names, fp16 files,
// config and load errors.
#include "sd_tiny_fixtures.h" // first: it brings in torch, which must precede Qt (stack.md G1)

#include "model/common/state_dict.h"
#include "model/vae/autoencoder_kl.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "test_registry.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace dpsapf::core;

namespace {

const std::filesystem::path kVaeFixture = dpsapf::test::kSdTinyFixtures / "vae";
const auto npy = dpsapf::test::loadFixtureNpy;
constexpr double kFixtureTolerance = 1e-5; // README "Suggested thresholds": atol = rtol = 1e-5

double maxAbsDifference(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}

std::int64_t parameterCount(const torch::nn::Module &module)
{
    std::int64_t count = 0;
    for (const auto &parameter : module.parameters()) {
        count += parameter.numel();
    }
    return count;
}

nlohmann::json fixtureConfigJson()
{
    std::ifstream in(kVaeFixture / "config.json");
    return nlohmann::json::parse(in);
}

void writeJson(const std::filesystem::path &path, const nlohmann::json &json)
{
    std::ofstream(path) << json.dump(2);
}

bool mentions(const std::string &message, const std::string &part)
{
    return message.find(part) != std::string::npos;
}

} // namespace

// allclose with atol = rtol = 1e-5; the failure message and the log carry the max abs difference.
#define DPSAPF_VERIFY_MATCHES_FIXTURE(actual, expected)                                            \
    do {                                                                                           \
        const torch::Tensor actualValue = (actual);                                                \
        const torch::Tensor expectedValue = (expected);                                            \
        QCOMPARE(actualValue.sizes().vec(), expectedValue.sizes().vec());                          \
        const double difference = maxAbsDifference(actualValue, expectedValue);                    \
        qInfo("%s: max abs difference %.3g", #actual, difference);                                 \
        QVERIFY2(                                                                                  \
            torch::allclose(actualValue, expectedValue, kFixtureTolerance, kFixtureTolerance),     \
            qPrintable(QStringLiteral("%1: max abs difference %2").arg(#actual).arg(difference))); \
    } while (false)

class TestVae final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encodeMatchesDiffusersPosterior();
    void decodeMatchesDiffusers();
    void gradientsFlowWithAutogradOn();
    void namesAndCountsMatchTheCheckpoint();
    void sd15DefaultTopology();
    void legacyAttentionNamesLoad();
    void halfPrecisionFileLoads();
    void configJsonIsParsedStrictly();
    void loadErrorsNameTheProblem();
};

void TestVae::encodeMatchesDiffusersPosterior()
{
    auto vae = loadVaeFolder(kVaeFixture);
    QVERIFY2(vae.hasValue(), vae ? "" : vae.error().message.c_str());
    torch::NoGradGuard noGrad;
    const torch::Tensor image = npy(kVaeFixture / "image.npy");
    const VaePosterior posterior = vae.value()->encode(image);
    DPSAPF_VERIFY_MATCHES_FIXTURE(posterior.mean, npy(kVaeFixture / "posterior_mean.npy"));
    DPSAPF_VERIFY_MATCHES_FIXTURE(posterior.logvar, npy(kVaeFixture / "posterior_logvar.npy"));
    DPSAPF_VERIFY_MATCHES_FIXTURE(posterior.std, npy(kVaeFixture / "posterior_std.npy"));

    const torch::Tensor noise = npy(kVaeFixture / "sample_noise.npy");
    const torch::Tensor expectedSample = npy(kVaeFixture / "latent_sample.npy");
    DPSAPF_VERIFY_MATCHES_FIXTURE(posterior.sample(noise), expectedSample);
    DPSAPF_VERIFY_MATCHES_FIXTURE(vae.value()->encodeToLatents(image, noise),
                                  expectedSample * 0.18215);
}

void TestVae::decodeMatchesDiffusers()
{
    auto vae = loadVaeFolder(kVaeFixture);
    QVERIFY2(vae.hasValue(), vae ? "" : vae.error().message.c_str());
    torch::NoGradGuard noGrad;
    const torch::Tensor mean = npy(kVaeFixture / "posterior_mean.npy");
    const torch::Tensor expected = npy(kVaeFixture / "decoded_from_mean.npy");
    DPSAPF_VERIFY_MATCHES_FIXTURE(vae.value()->decode(mean), expected);
    // The pipeline's image path: un-scale, decode, map [-1, 1] to [0, 1] and clamp.
    DPSAPF_VERIFY_MATCHES_FIXTURE(vae.value()->decodeToImages(mean * 0.18215),
                                  (expected / 2 + 0.5).clamp(0.0, 1.0));
}

void TestVae::gradientsFlowWithAutogradOn()
{
    // The in-place shortcuts (SiLU, residual adds, score scaling) must not break autograd.
    auto vae = loadVaeFolder(kVaeFixture);
    QVERIFY(vae.hasValue());
    const torch::Tensor image = npy(kVaeFixture / "image.npy");
    const torch::Tensor noise = npy(kVaeFixture / "sample_noise.npy");
    const torch::Tensor loss =
        vae.value()->decodeToImages(vae.value()->encodeToLatents(image, noise)).square().mean();
    loss.backward();
    for (const auto &item : vae.value()->named_parameters()) {
        QVERIFY2(item.value().grad().defined(), item.key().c_str());
        QVERIFY2(torch::isfinite(item.value().grad()).all().item<bool>(), item.key().c_str());
    }
    torch::NoGradGuard noGrad;
    const torch::Tensor withoutGrad =
        vae.value()->decodeToImages(vae.value()->encodeToLatents(image, noise)).square().mean();
    QCOMPARE(withoutGrad.item<double>(), loss.item<double>());
}

void TestVae::namesAndCountsMatchTheCheckpoint()
{
    auto header = readSafetensorsHeader(kVaeFixture / "diffusion_pytorch_model.safetensors");
    QVERIFY(header.hasValue());
    std::map<std::string, std::vector<std::int64_t>> fileShapes;
    for (const auto &entry : header->entries) {
        fileShapes[entry.name] = entry.shape;
    }
    auto vae = loadVaeFolder(kVaeFixture);
    QVERIFY(vae.hasValue());
    const TensorMap state = moduleStateDict(*vae.value());
    QCOMPARE(state.size(), std::size_t(156));
    QCOMPARE(fileShapes.size(), std::size_t(156));
    for (const auto &[name, tensor] : state) {
        QVERIFY2(fileShapes.count(name) == 1, name.c_str());
        QCOMPARE(tensor.sizes().vec(), fileShapes[name]);
        QCOMPARE(tensor.scalar_type(), torch::kFloat32);
    }
    for (const char *name :
         {"encoder.conv_in.weight", "encoder.down_blocks.0.resnets.0.norm1.weight",
          "encoder.down_blocks.0.downsamplers.0.conv.weight",
          "encoder.mid_block.attentions.0.group_norm.weight",
          "encoder.mid_block.attentions.0.to_q.weight",
          "encoder.mid_block.attentions.0.to_out.0.weight", "quant_conv.weight",
          "post_quant_conv.weight", "decoder.up_blocks.0.resnets.2.conv2.weight",
          "decoder.up_blocks.0.upsamplers.0.conv.weight",
          "decoder.up_blocks.1.resnets.0.conv_shortcut.weight", "decoder.conv_norm_out.weight",
          "decoder.conv_out.weight"}) {
        QVERIFY2(state.count(name) == 1, name);
    }
    QCOMPARE(parameterCount(*vae.value()), std::int64_t(214615));
    QCOMPARE(vae.value()->downsampleFactor(), std::int64_t(2));
    QCOMPARE(vae.value()->latentChannels(), std::int64_t(4));
    QCOMPARE(vae.value()->scalingFactor(), 0.18215);
}

void TestVae::sd15DefaultTopology()
{
    // sd-format.md §5: 248 tensors, 83,653,863 parameters (random weights here, ~330 MB).
    AutoencoderKL vae{VaeConfig{}};
    const TensorMap state = moduleStateDict(*vae);
    QCOMPARE(state.size(), std::size_t(248));
    QCOMPARE(parameterCount(*vae), std::int64_t(83653863));
    QCOMPARE(vae->downsampleFactor(), std::int64_t(8));
    QCOMPARE(state.at("encoder.conv_out.weight").sizes().vec(),
             (std::vector<std::int64_t>{8, 512, 3, 3}));
    QCOMPARE(state.at("quant_conv.weight").sizes().vec(), (std::vector<std::int64_t>{8, 8, 1, 1}));
    QCOMPARE(state.at("decoder.conv_in.weight").sizes().vec(),
             (std::vector<std::int64_t>{512, 4, 3, 3}));
    QCOMPARE(state.at("decoder.mid_block.attentions.0.to_k.weight").sizes().vec(),
             (std::vector<std::int64_t>{512, 512}));
    QCOMPARE(state.at("decoder.up_blocks.2.resnets.0.conv_shortcut.weight").sizes().vec(),
             (std::vector<std::int64_t>{256, 512, 1, 1}));
    QCOMPARE(state.at("decoder.up_blocks.3.resnets.0.conv_shortcut.weight").sizes().vec(),
             (std::vector<std::int64_t>{128, 256, 1, 1}));
    QCOMPARE(state.count("decoder.up_blocks.1.resnets.0.conv_shortcut.weight"), std::size_t(0));
    QCOMPARE(state.count("encoder.down_blocks.3.downsamplers.0.conv.weight"), std::size_t(0));
    QCOMPARE(state.count("decoder.up_blocks.3.upsamplers.0.conv.weight"), std::size_t(0));
    QCOMPARE(state.at("decoder.conv_out.weight").sizes().vec(),
             (std::vector<std::int64_t>{3, 128, 3, 3}));

    // Shapes through the full tower: 16x16 pixels <-> 2x2 latents.
    torch::NoGradGuard noGrad;
    const VaePosterior posterior = vae->encode(torch::zeros({1, 3, 16, 16}));
    QCOMPARE(posterior.mean.sizes().vec(), (std::vector<std::int64_t>{1, 4, 2, 2}));
    QCOMPARE(vae->decode(posterior.mean).sizes().vec(), (std::vector<std::int64_t>{1, 3, 16, 16}));
}

void TestVae::legacyAttentionNamesLoad()
{
    auto tensors = loadSafetensorsTensors(kVaeFixture / "diffusion_pytorch_model.safetensors");
    QVERIFY(tensors.hasValue());
    const auto config = VaeConfig::fromConfigJson(fixtureConfigJson());
    QVERIFY(config.hasValue());
    // Old SD 1.x files: query/key/value/proj_attn, and (original LDM layout) 1x1-conv weights.
    const std::vector<std::pair<std::string, std::string>> legacyLeaves{
        {"to_q.", "query."}, {"to_k.", "key."}, {"to_v.", "value."}, {"to_out.0.", "proj_attn."}};
    TensorMap legacy;
    int renamed = 0;
    for (const auto &[name, tensor] : tensors.value()) {
        std::string legacyName = name;
        torch::Tensor legacyTensor = tensor;
        for (const auto &[current, old] : legacyLeaves) {
            const std::string marker = "attentions.0." + current;
            if (const auto at = name.find(marker); at != std::string::npos) {
                legacyName.replace(at + 13, current.size(), old); // 13 = "attentions.0."
                if (tensor.dim() == 2) {
                    legacyTensor = tensor.reshape({tensor.size(0), tensor.size(1), 1, 1});
                }
                ++renamed;
            }
        }
        legacy.emplace(legacyName, legacyTensor);
    }
    QCOMPARE(renamed, 16); // encoder + decoder, 4 projections, weight + bias
    QVERIFY(legacy.count("decoder.mid_block.attentions.0.proj_attn.weight") == 1);

    const TensorMap restored = renameLegacyVaeAttentionKeys(legacy);
    QCOMPARE(restored.size(), tensors->size());
    for (const auto &[name, tensor] : tensors.value()) {
        QVERIFY2(restored.count(name) == 1, name.c_str());
        QCOMPARE(restored.at(name).sizes().vec(), tensor.sizes().vec());
    }

    auto reference = buildVae(config.value(), tensors.value(), "diffusers names");
    auto fromLegacy = buildVae(config.value(), legacy, "legacy names");
    QVERIFY2(fromLegacy.hasValue(), fromLegacy ? "" : fromLegacy.error().message.c_str());
    torch::NoGradGuard noGrad;
    const torch::Tensor mean = npy(kVaeFixture / "posterior_mean.npy");
    QCOMPARE(maxAbsDifference(fromLegacy.value()->decode(mean), reference.value()->decode(mean)),
             0.0);

    // Both spellings of one tensor: neither is silently chosen.
    TensorMap both = tensors.value();
    both.emplace("encoder.mid_block.attentions.0.query.weight",
                 both.at("encoder.mid_block.attentions.0.to_q.weight"));
    const auto ambiguous = buildVae(config.value(), both, "both names");
    QVERIFY(!ambiguous.hasValue());
    QVERIFY2(mentions(ambiguous.error().message, "encoder.mid_block.attentions.0.query.weight"),
             ambiguous.error().message.c_str());
}

void TestVae::halfPrecisionFileLoads()
{
    auto tensors = loadSafetensorsTensors(kVaeFixture / "diffusion_pytorch_model.safetensors");
    QVERIFY(tensors.hasValue());
    TensorMap half;
    for (const auto &[name, tensor] : tensors.value()) {
        half.emplace(name, tensor.to(torch::kFloat16));
    }
    QTemporaryDir dir;
    const std::filesystem::path folder = dir.path().toStdString();
    std::filesystem::copy_file(kVaeFixture / "config.json", folder / "config.json");
    QVERIFY(saveSafetensorsTensors(folder / "diffusion_pytorch_model.fp16.safetensors", half)
                .hasValue());
    auto vae = loadVaeFolder(folder);
    QVERIFY2(vae.hasValue(), vae ? "" : vae.error().message.c_str());
    for (const auto &parameter : vae.value()->parameters()) {
        QCOMPARE(parameter.scalar_type(), torch::kFloat32);
    }
    torch::NoGradGuard noGrad;
    const torch::Tensor mean = npy(kVaeFixture / "posterior_mean.npy");
    const double difference =
        maxAbsDifference(vae.value()->decode(mean), npy(kVaeFixture / "decoded_from_mean.npy"));
    qInfo("fp16 weights: decode max abs difference %.3g", difference);
    QVERIFY2(difference < 1e-2, qPrintable(QString::number(difference))); // fp16 rounding only
}

void TestVae::configJsonIsParsedStrictly()
{
    const nlohmann::json base = fixtureConfigJson();
    const auto parsed = VaeConfig::fromConfigJson(base);
    QVERIFY2(parsed.hasValue(), parsed ? "" : parsed.error().message.c_str());
    QCOMPARE(parsed->blockOutChannels, (std::vector<std::int64_t>{16, 32}));
    QCOMPARE(parsed->normNumGroups, std::int64_t(8));
    QCOMPARE(parsed->shiftFactor, 0.0);
    QVERIFY(parsed->midBlockAddAttention);

    const auto refusedNaming = [&](nlohmann::json json, const std::string &field) {
        const auto config = VaeConfig::fromConfigJson(json);
        if (config.hasValue()) {
            qWarning("accepted a config that should name '%s'", field.c_str());
            return false;
        }
        const std::string &message = config.error().message;
        const bool named = mentions(message, "config.json") && mentions(message, "'" + field + "'");
        if (!named) {
            qWarning("message does not name config.json and '%s': %s", field.c_str(),
                     message.c_str());
        }
        return named;
    };
    nlohmann::json json = base;
    json["act_fn"] = "relu";
    QVERIFY(refusedNaming(json, "act_fn"));
    json = base;
    json.erase("block_out_channels");
    QVERIFY(refusedNaming(json, "block_out_channels"));
    json = base;
    json["down_block_types"][1] = "AttnDownEncoderBlock2D";
    QVERIFY(refusedNaming(json, "down_block_types"));
    json = base;
    json["up_block_types"] = {"UpDecoderBlock2D"};
    QVERIFY(refusedNaming(json, "up_block_types"));
    json = base;
    json["norm_num_groups"] = 5;
    QVERIFY(refusedNaming(json, "block_out_channels"));
    json = base;
    json["latents_mean"] = {0.1, 0.2, 0.3, 0.4};
    QVERIFY(refusedNaming(json, "latents_mean"));
    json = base;
    json["layers_per_block"] = "2";
    QVERIFY(refusedNaming(json, "layers_per_block"));
    json = base;
    json["_class_name"] = "AutoencoderTiny";
    QVERIFY(refusedNaming(json, "_class_name"));

    // Optional keys: shift_factor null or a number; no mid attention; force_upcast ignored.
    json = base;
    json["shift_factor"] = nullptr;
    json["force_upcast"] = false;
    QCOMPARE(VaeConfig::fromConfigJson(json)->shiftFactor, 0.0);
    json["shift_factor"] = 0.0609;
    QCOMPARE(VaeConfig::fromConfigJson(json)->shiftFactor, 0.0609);
    json = base;
    json["mid_block_add_attention"] = false;
    const auto noAttention = VaeConfig::fromConfigJson(json);
    QVERIFY(noAttention.hasValue());
    AutoencoderKL plain(noAttention.value());
    QCOMPARE(moduleStateDict(*plain).size(), std::size_t(156 - 2 * 10));
}

void TestVae::loadErrorsNameTheProblem()
{
    QTemporaryDir dir;
    const std::filesystem::path folder = dir.path().toStdString();
    const auto noConfig = loadVaeFolder(folder);
    QVERIFY(!noConfig.hasValue());
    QVERIFY2(mentions(noConfig.error().message, "config.json"), noConfig.error().message.c_str());

    nlohmann::json relu = fixtureConfigJson();
    relu["act_fn"] = "relu";
    writeJson(folder / "config.json", relu);
    const auto badConfig = loadVaeFolder(folder);
    QVERIFY(!badConfig.hasValue());
    QVERIFY2(mentions(badConfig.error().message, "config.json") &&
                 mentions(badConfig.error().message, "act_fn"),
             badConfig.error().message.c_str());

    writeJson(folder / "config.json", fixtureConfigJson());
    const auto noWeights = loadVaeFolder(folder);
    QVERIFY(!noWeights.hasValue());
    QVERIFY2(mentions(noWeights.error().message, "diffusion_pytorch_model.safetensors"),
             noWeights.error().message.c_str());

    auto tensors = loadSafetensorsTensors(kVaeFixture / "diffusion_pytorch_model.safetensors");
    QVERIFY(tensors.hasValue());
    const auto config = VaeConfig::fromConfigJson(fixtureConfigJson()).value();
    TensorMap wrongShape = tensors.value();
    wrongShape["decoder.up_blocks.0.resnets.1.conv1.weight"] = torch::zeros({32, 32, 1, 1});
    const auto shapeError = buildVae(config, wrongShape, "weights.safetensors");
    QVERIFY(!shapeError.hasValue());
    QVERIFY2(mentions(shapeError.error().message, "decoder.up_blocks.0.resnets.1.conv1.weight") &&
                 mentions(shapeError.error().message, "weights.safetensors"),
             shapeError.error().message.c_str());

    TensorMap missing = tensors.value();
    missing.erase("post_quant_conv.bias");
    const auto missingError = buildVae(config, missing, "weights.safetensors");
    QVERIFY(!missingError.hasValue());
    QVERIFY2(mentions(missingError.error().message, "post_quant_conv.bias"),
             missingError.error().message.c_str());
}

DPSAPF_REGISTER_TEST(TestVae)
#include "test_vae.moc"
