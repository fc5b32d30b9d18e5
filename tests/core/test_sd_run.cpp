// SPDX-License-Identifier: GPL-3.0-or-later
// DP-SAPF in latent space: the smoke preset with the tiny Stable-Diffusion-family pipeline
// (sd-tiny) as the public model, end to end, and the exported LoRA files reloaded into a fresh
// copy of the public UNet giving exactly the trained model's outputs.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "dpsapf/core/privacy_ledger.h"
#include "dpsapf/core/run_layout.h"
#include "dpsapf/core/run_pipeline.h"
#include "dpsapf/core/safetensors.h"
#include "pipeline/lora_files.h"
#include "pipeline/public_model.h"
#include "pipeline/run_context.h"
#include "pipeline/trained_model.h"
#include "pipeline/training_memory.h"
#include "sd_tiny_fixtures.h"
#include "tensor_maps.h"

#include "test_registry.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace dpsapf::core;
namespace fs = std::filesystem;

namespace {

nlohmann::json readJson(const fs::path &path)
{
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

// The UNet of a freshly loaded public model with `loraFile` applied.
UNet publicUNetWithLora(const fs::path &loraFile)
{
    auto model = loadStableDiffusion(dpsapf::test::kSdTinyFixtures);
    if (!model) {
        throw std::runtime_error(model.error().message);
    }
    std::vector<std::string> modules;
    for (const auto &[name, projection] : model->unet->attentionProjections()) {
        modules.push_back(name);
    }
    auto adapters = readLoraFile(loraFile, modules);
    if (!adapters) {
        throw std::runtime_error(adapters.error().message);
    }
    UNet unet = model->unet;
    if (auto applied = applyLora(unet, adapters.value()); !applied) {
        throw std::runtime_error(applied.error().message);
    }
    return unet;
}

} // namespace

class TestSdRun final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_temp.isValid());
        m_run = fs::path(m_temp.path().toStdString()) / "latent-run";
        Expected<RunConfig> config = presetConfig("smoke");
        QVERIFY(config.hasValue());
        config =
            applyOverride(config.value(), "public_model=" + dpsapf::test::kSdTinyFixtures.string());
        QVERIFY2(config.hasValue(), config ? "" : config.error().message.c_str());
        Expected<RunConfig> prepared = prepareRun(config.value(), m_run, RunOpenMode::Create, {});
        QVERIFY2(prepared.hasValue(), prepared ? "" : prepared.error().message.c_str());
        const Expected<RunOutcome> outcome = runRemainingStages(m_run, nullptr, {});
        QVERIFY2(outcome.hasValue(), outcome ? "" : outcome.error().message.c_str());
        QCOMPARE(outcome.value(), RunOutcome::Completed);
    }

    void planRecordsTheLatentModelAndPrompts()
    {
        const nlohmann::json resolved = readJson(RunPaths{m_run}.config()).at("resolved");
        QVERIFY(resolved.at("model_latent").get<bool>());
        QCOMPARE(resolved.at("model_image_size").get<std::int64_t>(), std::int64_t{16});
        QCOMPARE(resolved.at("model_channels").get<std::int64_t>(), std::int64_t{3});
        const auto prompts = resolved.at("class_prompts").get<std::vector<std::string>>();
        QCOMPARE(prompts.size(), std::size_t{10});
        QCOMPARE(prompts.front(), std::string("A grayscale image of a T-shirt"));
    }

    void probeSelectsFromThe128Matrices()
    {
        const nlohmann::json selection = readJson(RunPaths{m_run}.selection());
        QCOMPARE(selection.at("selected").size(), std::size_t{38});
        Expected<PrivacyLedger> ledger = PrivacyLedger::load(RunPaths{m_run}.ledger());
        QVERIFY(ledger.hasValue());
    }

    void generatesImagesAtTheSensitiveResolution()
    {
        const nlohmann::json info = readJson(RunPaths{m_run}.generated() / "info.json");
        QCOMPARE(info.at("images").get<std::int64_t>(), std::int64_t{20});
        auto images = loadNpyTensor(RunPaths{m_run}.generated() / "images.npy");
        QVERIFY(images.hasValue());
        QCOMPARE(images->sizes().vec(), (std::vector<std::int64_t>{20, 1, 28, 28}));
    }

    void exportedLoraReloadsWithIdenticalOutputs()
    {
        const fs::path out = RunPaths{m_run}.exportDir();
        QVERIFY(fs::is_regular_file(out / "class_prompts.json"));
        QVERIFY(!fs::exists(out / "conditioner.safetensors"));
        Expected<std::unique_ptr<RunContext>> run = RunContext::open(m_run, nullptr, {});
        QVERIFY(run.hasValue());
        Expected<TrainedModel> trained = loadTrainedModel(*run.value());
        QVERIFY2(trained.hasValue(), trained ? "" : trained.error().message.c_str());

        torch::NoGradGuard noGrad;
        torch::manual_seed(3);
        const torch::Tensor sample = torch::randn({2, 4, 8, 8});
        const torch::Tensor timesteps = torch::tensor({10, 700}, torch::kInt64);
        const torch::Tensor context =
            trained->fineTune->conditioner()->context(torch::tensor({0, 3}, torch::kInt64));
        const torch::Tensor expected =
            trained->fineTune->unet()->forward(sample, timesteps, context);
        // The LoRA must have moved the output: otherwise the comparison proves nothing.
        auto base = loadStableDiffusion(dpsapf::test::kSdTinyFixtures);
        QVERIFY(base.hasValue());
        const torch::Tensor untouched = base.value().unet->forward(sample, timesteps, context);
        QVERIFY((expected - untouched).abs().max().item<double>() > 1e-7);
        for (const char *file : {"pytorch_lora_weights.safetensors", "lora_kohya.safetensors"}) {
            const torch::Tensor reloaded =
                publicUNetWithLora(out / file)->forward(sample, timesteps, context);
            const double difference = (reloaded - expected).abs().max().item<double>();
            QVERIFY2(difference <= 1e-6,
                     (std::string(file) + ": " + std::to_string(difference)).c_str());
        }
    }

    void refusesBadLatentSettings_data()
    {
        QTest::addColumn<QString>("assignment");
        QTest::addColumn<QString>("key");
        QTest::newRow("resolution not a multiple of 16")
            << QStringLiteral("model_resolution=24") << QStringLiteral("model_resolution");
        QTest::newRow("three prompts for ten classes")
            << QStringLiteral(R"(prompts.class_prompts=["a", "b", "c"])")
            << QStringLiteral("prompts.class_prompts");
        QTest::newRow("an unknown prediction type")
            << QStringLiteral("prediction_type=x0") << QStringLiteral("prediction_type");
        QTest::newRow("template without {class}")
            << QStringLiteral("prompts.template=An image") << QStringLiteral("prompts.template");
        QTest::newRow("fp16 frozen weights on the CPU")
            << QStringLiteral("frozen_precision=fp16") << QStringLiteral("frozen_precision");
    }

    void bf16FrozenWeightsRunEndToEnd()
    {
        // Frozen UNet weights in bf16 with gradient checkpointing: the run completes, the LoRA
        // factors stay float32, and the exported file reloads into a bf16 public UNet with the
        // trained model's outputs.
        const fs::path dir = fs::path(m_temp.path().toStdString()) / "bf16-run";
        Expected<RunConfig> config = presetConfig("smoke");
        config =
            applyOverride(config.value(), "public_model=" + dpsapf::test::kSdTinyFixtures.string());
        config = applyOverride(config.value(), "frozen_precision=bf16");
        config = applyOverride(config.value(), "gradient_checkpointing=on");
        config = applyOverride(config.value(), "generate.images_per_class=1");
        QVERIFY(config.hasValue());
        Expected<RunConfig> prepared = prepareRun(config.value(), dir, RunOpenMode::Create, {});
        QVERIFY2(prepared.hasValue(), prepared ? "" : prepared.error().message.c_str());
        const Expected<RunOutcome> outcome = runRemainingStages(dir, nullptr, {});
        QVERIFY2(outcome.hasValue(), outcome ? "" : outcome.error().message.c_str());
        QCOMPARE(outcome.value(), RunOutcome::Completed);

        const fs::path loraFile = RunPaths{dir}.exportDir() / "pytorch_lora_weights.safetensors";
        const auto header = readSafetensorsHeader(loraFile);
        QVERIFY(header.hasValue());
        for (const auto &entry : header->entries) {
            QVERIFY2(entry.dtype == TensorDType::F32, entry.name.c_str());
        }
        Expected<std::unique_ptr<RunContext>> run = RunContext::open(dir, nullptr, {});
        QVERIFY(run.hasValue());
        Expected<TrainedModel> trained = loadTrainedModel(*run.value());
        QVERIFY2(trained.hasValue(), trained ? "" : trained.error().message.c_str());
        UNet trainedUNet = trained->fineTune->unet();
        QVERIFY(trainedUNet->gradientCheckpointing());
        int adapted = 0;
        for (const auto &[name, projection] : trainedUNet->attentionProjections()) {
            QCOMPARE(projection->weight.scalar_type(), torch::kBFloat16);
            if (projection->hasLora()) {
                QCOMPARE(projection->loraA().scalar_type(), torch::kFloat);
                QCOMPARE(projection->loraB().scalar_type(), torch::kFloat);
                ++adapted;
            }
        }
        QCOMPARE(adapted, 38);

        torch::NoGradGuard noGrad;
        torch::manual_seed(5);
        const torch::Tensor sample = torch::randn({2, 4, 8, 8});
        const torch::Tensor timesteps = torch::tensor({10, 700}, torch::kInt64);
        const torch::Tensor context =
            trained->fineTune->conditioner()->context(torch::tensor({1, 2}, torch::kInt64));
        const torch::Tensor expected = trainedUNet->forward(sample, timesteps, context);
        QCOMPARE(expected.scalar_type(), torch::kFloat);
        QVERIFY(torch::isfinite(expected).all().item<bool>());
        UNet reloaded = publicUNetWithLora(loraFile);
        reloaded->setFrozenWeightType(torch::kBFloat16);
        const double difference =
            (reloaded->forward(sample, timesteps, context) - expected).abs().max().item<double>();
        QVERIFY2(difference <= 1e-6, std::to_string(difference).c_str());
    }

    void frozenPrecisionIsForLatentModels()
    {
        Expected<PublicModel> bundled = loadPublicModel({});
        QVERIFY(bundled.hasValue());
        const torch::Device cpu(torch::kCPU);
        QCOMPARE(frozenPrecisionFor(bundled.value(), "fp32", cpu).value(), torch::kFloat);
        const auto refused = frozenPrecisionFor(bundled.value(), "bf16", cpu);
        QVERIFY(!refused.hasValue());
        QVERIFY(refused.error().message.rfind("frozen_precision: bf16 is for Stable", 0) == 0);
        QVERIFY(!gradientCheckpointingFor(bundled.value(), "auto"));
        QVERIFY(gradientCheckpointingFor(bundled.value(), "on"));
        Expected<PublicModel> latent = loadPublicModel(dpsapf::test::kSdTinyFixtures);
        QVERIFY(latent.hasValue());
        QVERIFY(gradientCheckpointingFor(latent.value(), "auto"));
        QVERIFY(!gradientCheckpointingFor(latent.value(), "off"));
        QCOMPARE(frozenPrecisionFor(latent.value(), "bf16", cpu).value(), torch::kBFloat16);
    }

    void predictionTypeOverridesOnlyLatentModels()
    {
        Expected<PublicModel> latent = loadPublicModel(dpsapf::test::kSdTinyFixtures);
        QVERIFY(latent.hasValue());
        QVERIFY(setPredictionType(latent.value(), "v_prediction", "prediction_type").hasValue());
        QCOMPARE(int(latent->scheduler.predictionType), int(PredictionType::VPrediction));
        QCOMPARE(int(latent->sd->scheduler.predictionType), int(PredictionType::VPrediction));
        Expected<PublicModel> bundled = loadPublicModel({});
        QVERIFY(bundled.hasValue());
        QVERIFY(setPredictionType(bundled.value(), "", "prediction_type").hasValue());
        QVERIFY(setPredictionType(bundled.value(), "epsilon", "prediction_type").hasValue());
        const Expected<bool> refused =
            setPredictionType(bundled.value(), "v_prediction", "prediction_type");
        QVERIFY(!refused.hasValue());
        QVERIFY(refused.error().message.rfind("prediction_type:", 0) == 0);
    }

    void refusesBadLatentSettings()
    {
        QFETCH(QString, assignment);
        QFETCH(QString, key);
        Expected<RunConfig> config = presetConfig("smoke");
        config =
            applyOverride(config.value(), "public_model=" + dpsapf::test::kSdTinyFixtures.string());
        config = applyOverride(config.value(), assignment.toStdString());
        const fs::path dir =
            fs::path(m_temp.path().toStdString()) / ("refused-" + key.toStdString());
        const Expected<RunConfig> prepared =
            config ? prepareRun(config.value(), dir, RunOpenMode::Create, {}) : config;
        QVERIFY(!prepared.hasValue());
        QVERIFY2(prepared.error().message.rfind(key.toStdString(), 0) == 0,
                 prepared.error().message.c_str());
    }

private:
    QTemporaryDir m_temp;
    fs::path m_run;
};

DPSAPF_REGISTER_TEST(TestSdRun)

#include "test_sd_run.moc"
