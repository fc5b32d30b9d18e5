// SPDX-License-Identifier: GPL-3.0-or-later
// LoRA files: the three key styles of the sd-tiny fixture (older diffusers, PEFT, kohya with
// alpha 1) load and reproduce diffusers' UNet outputs; our PEFT and kohya exports round-trip to
// the same update W + s B A, mixed ranks and scales included.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "io/torch_tensors.h"
#include "pipeline/lora_files.h"
#include "sd_tiny_fixtures.h"

#include "test_registry.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace dpsapf::core;
namespace fs = std::filesystem;

namespace {

const fs::path &kFixtures = dpsapf::test::kSdTinyFixtures;

std::vector<std::string> moduleNames(const UNet &unet)
{
    std::vector<std::string> names;
    for (const auto &[name, projection] : unet->attentionProjections()) {
        names.push_back(name);
    }
    return names;
}

torch::Tensor fixtureOutput(UNet &unet)
{
    torch::NoGradGuard noGrad;
    return unet->forward(
        dpsapf::test::loadFixtureNpy(kFixtures / "unet" / "sample.npy"),
        dpsapf::test::loadFixtureNpy(kFixtures / "unet" / "timestep.npy"),
        dpsapf::test::loadFixtureNpy(kFixtures / "unet" / "encoder_hidden_states.npy"));
}

torch::Tensor update(const LoraAdapter &adapter)
{
    return adapter.scale *
           torch::matmul(adapter.b.to(torch::kFloat64), adapter.a.to(torch::kFloat64));
}

} // namespace

class TestLoraFiles final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixtureStylesMatchDiffusers_data();
    void fixtureStylesMatchDiffusers();
    void exportsRoundTrip();
    void badFilesAreRefused();
};

void TestLoraFiles::fixtureStylesMatchDiffusers_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    QTest::addRow("diffusers") << "pytorch_lora_weights.safetensors"
                               << "out_lora_scale1.npy";
    QTest::addRow("peft") << "pytorch_lora_weights_peft_keys.safetensors"
                          << "out_lora_scale1.npy";
    QTest::addRow("kohya alpha 1") << "lora_kohya_alpha1.safetensors"
                                   << "out_lora_scale0.5.npy";
}

void TestLoraFiles::fixtureStylesMatchDiffusers()
{
    QFETCH(QString, file);
    QFETCH(QString, expected);
    UNet unet = loadUNetFolder(kFixtures / "unet").value();
    const fs::path folder = kFixtures / "lora_unet";
    const auto adapters = readLoraFile(folder / file.toStdString(), moduleNames(unet));
    QVERIFY2(adapters, adapters ? "" : adapters.error().message.c_str());
    QCOMPARE(adapters->size(), std::size_t{2});
    QVERIFY(applyLora(unet, adapters.value()));
    const torch::Tensor reference = dpsapf::test::loadFixtureNpy(folder / expected.toStdString());
    const double error = (fixtureOutput(unet) - reference).abs().max().item<double>();
    QVERIFY2(error <= 1e-5, std::to_string(error).c_str());
}

void TestLoraFiles::exportsRoundTrip()
{
    UNet unet = loadUNetFolder(kFixtures / "unet").value();
    const auto projections = unet->attentionProjections();
    torch::manual_seed(3);
    std::vector<LoraAdapter> adapters;
    for (std::size_t i : {std::size_t{0}, std::size_t{3}, std::size_t{9}}) {
        const auto &[name, projection] = projections[i];
        const std::int64_t rank = i == 3 ? 8 : 2; // mixed ranks
        adapters.push_back({name, torch::randn({rank, projection->weight.size(1)}),
                            torch::randn({projection->weight.size(0), rank}), i == 9 ? 0.5 : 1.0});
    }
    QTemporaryDir temp;
    const fs::path peft = fs::path(temp.path().toStdString()) / "peft.safetensors";
    const fs::path kohya = fs::path(temp.path().toStdString()) / "kohya.safetensors";
    QVERIFY(writePeftLora(peft, adapters));
    QVERIFY(writeKohyaLora(kohya, adapters, 4.0, false));
    for (const fs::path &path : {peft, kohya}) {
        const auto back = readLoraFile(path, moduleNames(unet));
        QVERIFY2(back, back ? "" : back.error().message.c_str());
        QCOMPARE(back->size(), adapters.size());
        for (const LoraAdapter &original : adapters) {
            const auto found = std::find_if(back->begin(), back->end(), [&](const LoraAdapter &a) {
                return a.module == original.module;
            });
            QVERIFY(found != back->end());
            QVERIFY(torch::allclose(update(*found), update(original), 1e-6, 1e-6));
        }
    }
    // PEFT keys as diffusers names them; kohya with one alpha and its metadata.
    const TensorMap peftTensors = loadSafetensorsTensors(peft).value();
    QVERIFY(peftTensors.count("unet." + adapters[0].module + ".lora_A.weight") == 1);
    const TensorMap kohyaTensors = loadSafetensorsTensors(kohya).value();
    std::string kohyaName = adapters[2].module;
    std::replace(kohyaName.begin(), kohyaName.end(), '.', '_');
    QCOMPARE(kohyaTensors.at("lora_unet_" + kohyaName + ".alpha").item<double>(), 4.0);
    QCOMPARE(kohyaTensors.at("lora_unet_" + kohyaName + ".alpha").dim(), std::int64_t{0});
}

void TestLoraFiles::badFilesAreRefused()
{
    UNet unet = loadUNetFolder(kFixtures / "unet").value();
    QTemporaryDir temp;
    const fs::path path = fs::path(temp.path().toStdString()) / "bad.safetensors";
    QVERIFY(saveSafetensorsTensors(
        path, {{"unet.mid_block.nonsense.lora_A.weight", torch::ones({2, 3})}}));
    const auto unpaired = readLoraFile(path, moduleNames(unet));
    QVERIFY(!unpaired);
    QVERIFY(unpaired.error().message.find("mid_block.nonsense") != std::string::npos);
    QVERIFY(saveSafetensorsTensors(path, {{"text_encoder.layer.weight", torch::ones({2})}}));
    QVERIFY(!readLoraFile(path, moduleNames(unet)));
    QVERIFY(saveSafetensorsTensors(
        path, {{"lora_unet_no_such_module.lora_down.weight", torch::ones({2, 3})}}));
    QVERIFY(!readLoraFile(path, moduleNames(unet)));
    // A shape that does not fit the weight.
    const std::string module = moduleNames(unet).front();
    QVERIFY(!applyLora(unet, {{module, torch::ones({2, 3}), torch::ones({3, 2}), 1.0}}));
    QVERIFY(!applyLora(unet, {{"up_blocks.9.x", torch::ones({2, 3}), torch::ones({3, 2}), 1.0}}));
}

DPSAPF_REGISTER_TEST(TestLoraFiles)
#include "test_lora_files.moc"
