// SPDX-License-Identifier: GPL-3.0-or-later
// Stable Diffusion from local files: format detection and refusals, the diffusers pipeline folder
// and the single-file checkpoint loaders, and the end-to-end text-to-image run against the
// upstream pipeline fixture (sd-tiny/pipeline_run, latents and images <= 1e-4).
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "io/key_mapping.h"
#include "io/torch_tensors.h"
#include "model/sd/model_detection.h"
#include "model/sd/stable_diffusion.h"
#include "model/sd/text_to_image.h"
#include "sd_tiny_fixtures.h"

#include "test_registry.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace dpsapf::core;
namespace fs = std::filesystem;

namespace {

const fs::path &kFixtures = dpsapf::test::kSdTinyFixtures;
const auto npy = dpsapf::test::loadFixtureNpy;
const std::string kPrompt = "a photo of an astronaut riding a horse on mars";

bool closeTo(const torch::Tensor &actual, const torch::Tensor &expected, double tolerance)
{
    const bool close = torch::allclose(actual, expected, tolerance, tolerance);
    if (!close) {
        qWarning("max |difference| = %g", (actual - expected).abs().max().item<double>());
    }
    return close;
}

void copyFolder(const fs::path &from, const fs::path &to)
{
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive);
}

// The fixture pipeline written as an original single-file checkpoint, with the tokenizer and the
// component configs beside it (a single file carries neither).
fs::path writeSingleFile(const fs::path &folder)
{
    TensorMap single;
    const auto add = [&](const fs::path &file, const auto &rename) {
        auto tensors = loadSafetensorsTensors(file);
        QVERIFY2(tensors.hasValue(), file.c_str());
        for (const auto &[name, tensor] : tensors.value()) {
            const std::optional<std::string> renamed = rename(name);
            QVERIFY2(renamed.has_value(), name.c_str());
            single[*renamed] = tensor;
        }
    };
    add(kFixtures / "unet/diffusion_pytorch_model.safetensors", [](const std::string &name) {
        const auto compvis = unetKeyToCompvis(name);
        return compvis ? std::optional<std::string>(kCompvisUNetPrefix + *compvis) : std::nullopt;
    });
    add(kFixtures / "vae/diffusion_pytorch_model.safetensors", [](const std::string &name) {
        const auto compvis = vaeKeyToCompvis(name, 2);
        return compvis ? std::optional<std::string>(kCompvisVaePrefix + *compvis) : std::nullopt;
    });
    add(kFixtures / "text_encoder/model.safetensors", [](const std::string &name) {
        return std::optional<std::string>(kCompvisClipPrefix + name);
    });
    const fs::path file = folder / "tiny-sd.safetensors";
    auto saved = saveSafetensorsTensors(file, single);
    if (!saved) {
        qWarning("%s", saved.error().message.c_str());
    }
    copyFolder(kFixtures / "tokenizer", folder / "tokenizer");
    for (const std::string component : {"unet", "vae", "text_encoder"}) {
        fs::create_directories(folder / component);
        fs::copy_file(kFixtures / component / "config.json", folder / component / "config.json");
    }
    fs::create_directories(folder / "scheduler");
    fs::copy_file(kFixtures / "scheduler/scheduler_config.json",
                  folder / "scheduler/scheduler_config.json");
    return file;
}

// An SD2-style single file: the sd-tiny SD2 UNet and VAE in CompVis names and a 2-layer GELU text
// encoder (random weights) in OpenCLIP names, with a third layer, text_projection and logit_scale
// that the loader must drop. Returns the text encoder the loader should rebuild.
ClipTextModel writeSd2SingleFile(const fs::path &folder)
{
    ClipTextConfig config;
    config.vocabSize = 1000;
    config.hiddenSize = 32;
    config.intermediateSize = 64;
    config.numHiddenLayers = 2;
    config.numAttentionHeads = 2;
    config.hiddenAct = ClipActivation::Gelu;
    torch::manual_seed(11);
    ClipTextModel text(config);
    text->eval();
    TensorMap single;
    const auto rename = [](const fs::path &file, const std::string &prefix, TensorMap &into,
                           const auto &map) {
        const TensorMap tensors = loadSafetensorsTensors(file).value();
        for (const auto &[name, tensor] : tensors) {
            into[prefix + map(name).value()] = tensor;
        }
    };
    rename(kFixtures / "unet_sd2/diffusion_pytorch_model.safetensors", kCompvisUNetPrefix, single,
           [](const std::string &name) { return unetKeyToCompvis(name); });
    rename(kFixtures / "vae/diffusion_pytorch_model.safetensors", kCompvisVaePrefix, single,
           [](const std::string &name) { return vaeKeyToCompvis(name, 2); });
    const std::string open = kOpenClipPrefix;
    const auto weight = [&](const std::string &name) {
        return text->named_parameters()[name].detach().clone();
    };
    single[open + "token_embedding.weight"] =
        weight("text_model.embeddings.token_embedding.weight");
    single[open + "positional_embedding"] =
        weight("text_model.embeddings.position_embedding.weight");
    single[open + "ln_final.weight"] = weight("text_model.final_layer_norm.weight");
    single[open + "ln_final.bias"] = weight("text_model.final_layer_norm.bias");
    single[open + "text_projection"] = torch::randn({32, 32});
    single[open + "logit_scale"] = torch::tensor(4.6f);
    for (int layer = 0; layer < 3; ++layer) {
        // Layer 2 is beyond the 2 kept layers: filled with layer 1's values, then dropped.
        const std::string from =
            "text_model.encoder.layers." + std::to_string(std::min(layer, 1)) + ".";
        const std::string to = open + "transformer.resblocks." + std::to_string(layer) + ".";
        for (const std::string kind : {"weight", "bias"}) {
            single[to + "attn.in_proj_" + kind] =
                torch::cat({weight(from + "self_attn.q_proj." + kind),
                            weight(from + "self_attn.k_proj." + kind),
                            weight(from + "self_attn.v_proj." + kind)},
                           0);
            single[to + "attn.out_proj." + kind] = weight(from + "self_attn.out_proj." + kind);
            single[to + "ln_1." + kind] = weight(from + "layer_norm1." + kind);
            single[to + "ln_2." + kind] = weight(from + "layer_norm2." + kind);
            single[to + "mlp.c_fc." + kind] = weight(from + "mlp.fc1." + kind);
            single[to + "mlp.c_proj." + kind] = weight(from + "mlp.fc2." + kind);
        }
    }
    (void)saveSafetensorsTensors(folder / "tiny-sd2.safetensors", single);
    copyFolder(kFixtures / "tokenizer", folder / "tokenizer");
    for (const std::string component : {"unet", "vae"}) {
        fs::create_directories(folder / component);
        fs::copy_file(kFixtures / (component == "unet" ? "unet_sd2" : component) / "config.json",
                      folder / component / "config.json");
    }
    fs::create_directories(folder / "text_encoder");
    std::ofstream(folder / "text_encoder/config.json")
        << R"({"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
               "num_attention_heads": 2, "hidden_act": "gelu", "vocab_size": 1000})";
    return text;
}

} // namespace

class TestSdPipeline final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void detectsThePipelineFolder()
    {
        auto detected = detectModel(kFixtures);
        QVERIFY2(detected.hasValue(), detected ? "" : detected.error().message.c_str());
        QCOMPARE(int(detected->layout), int(ModelLayout::DiffusersPipeline));
        QCOMPARE(int(detected->family), int(SdFamily::Sd1));
    }

    void refusesWhatItCannotLoad()
    {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        // A pipeline folder without its VAE names the missing component.
        copyFolder(kFixtures / "unet", root / "pipe/unet");
        for (const std::string component : {"text_encoder", "tokenizer", "scheduler"}) {
            copyFolder(kFixtures / component, root / "pipe" / component);
        }
        fs::copy_file(kFixtures / "model_index.json", root / "pipe/model_index.json");
        auto missing = detectModel(root / "pipe");
        QVERIFY(!missing);
        QVERIFY2(missing.error().message.find("vae") != std::string::npos,
                 missing.error().message.c_str());

        // Pickles are never opened.
        std::ofstream(root / "model.ckpt") << "not read";
        auto pickle = detectModel(root / "model.ckpt");
        QVERIFY(!pickle);
        QVERIFY(pickle.error().message.find("pickle") != std::string::npos);

        // A LoRA file is not a model.
        auto lora = detectModel(kFixtures / "lora_unet/pytorch_lora_weights.safetensors");
        QVERIFY(!lora);
        QVERIFY2(lora.error().message.find("LoRA") != std::string::npos,
                 lora.error().message.c_str());

        // A single component folder points at its pipeline folder.
        auto component = detectModel(kFixtures / "unet");
        QVERIFY(!component);
        QVERIFY(component.error().message.find("model_index.json") != std::string::npos);

        QVERIFY(!detectModel(root / "does-not-exist"));
    }

    void pipelineMatchesDiffusers_data()
    {
        QTest::addColumn<QString>("sampler");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("DDIM") << QStringLiteral("ddim") << QStringLiteral("ddim");
        QTest::newRow("DPM-Solver++(2M)")
            << QStringLiteral("dpmpp-2m") << QStringLiteral("dpmpp_2m");
    }

    void pipelineMatchesDiffusers()
    {
        QFETCH(QString, sampler);
        QFETCH(QString, prefix);
        auto model = loadStableDiffusion(kFixtures);
        QVERIFY2(model.hasValue(), model ? "" : model.error().message.c_str());
        const fs::path run = kFixtures / "pipeline_run";
        QVERIFY(
            closeTo(encodePrompts(model.value(), {kPrompt}), npy(run / "prompt_embeds.npy"), 1e-5));
        QVERIFY(closeTo(encodePrompts(model.value(), {""}), npy(run / "negative_prompt_embeds.npy"),
                        1e-5));
        PromptSamplingOptions options;
        options.sampler = parseSampler(sampler.toStdString()).value();
        options.steps = 3;
        options.guidanceScale = 7.5;
        options.keepStepLatents = true;
        const PromptSamplingResult result =
            sampleFromPrompts(model.value(), {kPrompt}, {}, npy(run / "init_latents.npy"), options);
        const std::string name = prefix.toStdString();
        QVERIFY(closeTo(result.stepLatents, npy(run / (name + "_step_latents.npy")), 1e-4));
        QVERIFY(
            closeTo(result.images.permute({0, 2, 3, 1}), npy(run / (name + "_image.npy")), 1e-4));
        const std::vector<std::int64_t> expected = name == "ddim"
                                                       ? std::vector<std::int64_t>{667, 334, 1}
                                                       : std::vector<std::int64_t>{751, 501, 251};
        QCOMPARE(result.timesteps, expected);
    }

    void singleFileCheckpointLoadsTheSameModel()
    {
        QTemporaryDir dir;
        const fs::path file = writeSingleFile(dir.path().toStdString());
        auto detected = detectModel(file);
        QVERIFY2(detected.hasValue(), detected ? "" : detected.error().message.c_str());
        QCOMPARE(int(detected->layout), int(ModelLayout::SingleFile));
        QCOMPARE(int(detected->family), int(SdFamily::Sd1));
        auto model = loadStableDiffusion(detected.value());
        QVERIFY2(model.hasValue(), model ? "" : model.error().message.c_str());
        torch::NoGradGuard noGrad;
        const fs::path unet = kFixtures / "unet";
        QVERIFY(closeTo(model.value().unet->forward(npy(unet / "sample.npy"),
                                                    npy(unet / "timestep.npy"),
                                                    npy(unet / "encoder_hidden_states.npy")),
                        npy(unet / "out.npy"), 1e-5));
        const fs::path vae = kFixtures / "vae";
        QVERIFY(closeTo(model.value().vae->encode(npy(vae / "image.npy")).mean,
                        npy(vae / "posterior_mean.npy"), 1e-5));
        QVERIFY(closeTo(encodePrompts(model.value(), {kPrompt}),
                        npy(kFixtures / "pipeline_run/prompt_embeds.npy"), 1e-5));

        // Without the tokenizer beside it, the error says where to put one.
        fs::remove_all(file.parent_path() / "tokenizer");
        auto withoutTokenizer = loadStableDiffusion(file);
        QVERIFY(!withoutTokenizer);
        QVERIFY2(withoutTokenizer.error().message.find("tokenizer") != std::string::npos,
                 withoutTokenizer.error().message.c_str());
    }

    void singleFileSd2CheckpointWithOpenClip()
    {
        QTemporaryDir dir;
        const fs::path folder(dir.path().toStdString());
        ClipTextModel expectedText = writeSd2SingleFile(folder);
        auto detected = detectModel(folder / "tiny-sd2.safetensors");
        QVERIFY2(detected.hasValue(), detected ? "" : detected.error().message.c_str());
        QCOMPARE(int(detected->family), int(SdFamily::Sd2));
        auto model = loadStableDiffusion(detected.value());
        QVERIFY2(model.hasValue(), model ? "" : model.error().message.c_str());
        QCOMPARE(model->textEncoder->config().numHiddenLayers, std::int64_t{2});
        torch::NoGradGuard noGrad;
        const torch::Tensor ids = npy(kFixtures / "text_encoder/input_ids.npy");
        QVERIFY(closeTo(model.value().textEncoder->forward(ids).lastHiddenState,
                        expectedText->forward(ids).lastHiddenState, 1e-6));
        const fs::path unet = kFixtures / "unet_sd2";
        QVERIFY(closeTo(model.value().unet->forward(npy(unet / "sample.npy"),
                                                    npy(unet / "timestep.npy"),
                                                    npy(unet / "encoder_hidden_states.npy")),
                        npy(unet / "out.npy"), 1e-5));
    }

    void halfPrecisionWeightsLoad()
    {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        copyFolder(kFixtures, root / "pipe");
        const fs::path unetFile = root / "pipe/unet/diffusion_pytorch_model.safetensors";
        auto tensors = loadSafetensorsTensors(unetFile);
        QVERIFY(tensors.hasValue());
        TensorMap half;
        for (const auto &[name, tensor] : tensors.value()) {
            half[name] = tensor.to(torch::kHalf);
        }
        QVERIFY(saveSafetensorsTensors(unetFile, half).hasValue());
        auto model = loadStableDiffusion(root / "pipe");
        QVERIFY2(model.hasValue(), model ? "" : model.error().message.c_str());
        QCOMPARE(model->storedDtype, std::string("F16"));
        torch::NoGradGuard noGrad;
        const fs::path unet = kFixtures / "unet";
        const torch::Tensor out =
            model.value().unet->forward(npy(unet / "sample.npy"), npy(unet / "timestep.npy"),
                                        npy(unet / "encoder_hidden_states.npy"));
        QCOMPARE(out.scalar_type(), torch::kFloat32);
        QVERIFY(closeTo(out, npy(unet / "out.npy"), 2e-2)); // fp16 rounding of the weights
    }
};

DPSAPF_REGISTER_TEST(TestSdPipeline)

#include "test_sd_pipeline.moc"
