// SPDX-License-Identifier: GPL-3.0-or-later
// The CompVis / OpenCLIP <-> diffusers / transformers renames (sd-format.md §8): bijections on the
// 686 UNet and 248 VAE tensor names, the documented examples, and the SD2 text tower split.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "io/key_mapping.h"
#include "model/common/state_dict.h"
#include "model/unet/unet.h"
#include "model/vae/autoencoder_kl.h"

#include "test_registry.h"

#include <QtTest>

#include <set>

using namespace dpsapf::core;

namespace {

// The SD 1.5 / 2.x topologies with narrow widths: the same tensor names, a fraction of the size.
UNetConfig narrowUNet(bool sd2)
{
    UNetConfig config;
    config.blockOutChannels = {32, 64, 128, 128};
    config.crossAttentionDim = 64;
    config.useLinearProjection = sd2;
    return config;
}

std::vector<std::string> namesOf(const torch::nn::Module &module)
{
    std::vector<std::string> names;
    for (const auto &[name, tensor] : moduleStateDict(module)) {
        names.push_back(name);
    }
    return names;
}

} // namespace

class TestKeyMapping final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unetMappingIsABijection_data()
    {
        QTest::addColumn<bool>("sd2");
        QTest::newRow("SD1.5 topology") << false;
        QTest::newRow("SD2.x topology") << true;
    }

    void unetMappingIsABijection()
    {
        QFETCH(bool, sd2);
        UNet unet(narrowUNet(sd2));
        const std::vector<std::string> names = namesOf(*unet);
        QCOMPARE(names.size(), std::size_t{686});
        std::set<std::string> original;
        for (const std::string &name : names) {
            const auto compvis = unetKeyToCompvis(name);
            QVERIFY2(compvis.has_value(), name.c_str());
            QVERIFY2(original.insert(*compvis).second, compvis->c_str());
            const auto back = unetKeyFromCompvis(*compvis);
            QVERIFY2(back.has_value(), compvis->c_str());
            QCOMPARE(*back, name);
        }
    }

    void unetExamplesFromTheSpecification()
    {
        const std::vector<std::pair<std::string, std::string>> pairs{
            {"input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight",
             "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight"},
            {"input_blocks.0.0.weight", "conv_in.weight"},
            {"time_embed.2.bias", "time_embedding.linear_2.bias"},
            {"input_blocks.3.0.op.weight", "down_blocks.0.downsamplers.0.conv.weight"},
            {"input_blocks.4.0.skip_connection.weight",
             "down_blocks.1.resnets.0.conv_shortcut.weight"},
            {"input_blocks.4.0.emb_layers.1.weight",
             "down_blocks.1.resnets.0.time_emb_proj.weight"},
            {"middle_block.1.proj_in.weight", "mid_block.attentions.0.proj_in.weight"},
            {"middle_block.2.out_layers.3.bias", "mid_block.resnets.1.conv2.bias"},
            {"output_blocks.2.1.conv.weight", "up_blocks.0.upsamplers.0.conv.weight"},
            {"output_blocks.5.2.conv.bias", "up_blocks.1.upsamplers.0.conv.bias"},
            {"output_blocks.8.2.conv.weight", "up_blocks.2.upsamplers.0.conv.weight"},
            {"output_blocks.11.1.transformer_blocks.0.attn2.to_out.0.weight",
             "up_blocks.3.attentions.2.transformer_blocks.0.attn2.to_out.0.weight"},
            {"out.0.weight", "conv_norm_out.weight"},
            {"out.2.bias", "conv_out.bias"},
        };
        for (const auto &[compvis, diffusers] : pairs) {
            QCOMPARE(unetKeyFromCompvis(compvis).value_or("<none>"), diffusers);
            QCOMPARE(unetKeyToCompvis(diffusers).value_or("<none>"), compvis);
        }
        QVERIFY(!unetKeyFromCompvis("input_blocks.x.0.weight"));
        QVERIFY(!unetKeyFromCompvis("label_emb.0.0.weight"));
        QVERIFY(!unetKeyToCompvis("add_embedding.linear_1.weight"));
    }

    void vaeMappingIsABijection()
    {
        VaeConfig config;
        config.blockOutChannels = {32, 64, 128, 128};
        AutoencoderKL vae(config);
        const std::vector<std::string> names = namesOf(*vae);
        QCOMPARE(names.size(), std::size_t{248});
        std::set<std::string> original;
        for (const std::string &name : names) {
            const auto compvis = vaeKeyToCompvis(name, 4);
            QVERIFY2(compvis.has_value(), name.c_str());
            QVERIFY2(original.insert(*compvis).second, compvis->c_str());
            QCOMPARE(vaeKeyFromCompvis(*compvis, 4).value_or("<none>"), name);
        }
        QCOMPARE(vaeKeyFromCompvis("decoder.up.3.block.0.conv1.weight", 4).value_or(""),
                 std::string("decoder.up_blocks.0.resnets.0.conv1.weight"));
        QCOMPARE(vaeKeyFromCompvis("decoder.up.1.upsample.conv.bias", 4).value_or(""),
                 std::string("decoder.up_blocks.2.upsamplers.0.conv.bias"));
        QCOMPARE(vaeKeyFromCompvis("encoder.mid.attn_1.proj_out.weight", 4).value_or(""),
                 std::string("encoder.mid_block.attentions.0.to_out.0.weight"));
        QCOMPARE(vaeKeyFromCompvis("encoder.down.2.block.0.nin_shortcut.weight", 4).value_or(""),
                 std::string("encoder.down_blocks.2.resnets.0.conv_shortcut.weight"));
        QVERIFY(!vaeKeyFromCompvis("encoder.down.4.block.0.conv1.weight", 4));
        QCOMPARE(vaeKeyFromLegacyAttention("decoder.mid_block.attentions.0.proj_attn.weight"),
                 std::string("decoder.mid_block.attentions.0.to_out.0.weight"));
    }

    void clipNamesGainTheTextModelPrefix()
    {
        QCOMPARE(clipKeyFromCompvis("text_model.final_layer_norm.weight").value_or(""),
                 std::string("text_model.final_layer_norm.weight"));
        QCOMPARE(clipKeyFromCompvis("encoder.layers.3.mlp.fc1.bias").value_or(""),
                 std::string("text_model.encoder.layers.3.mlp.fc1.bias"));
        QVERIFY(!clipKeyFromCompvis("logit_scale"));
    }

    void openClipSplitsTheInputProjection()
    {
        const auto qkv =
            openClipKeyToTransformers("transformer.resblocks.4.attn.in_proj_weight", 23);
        QVERIFY(qkv.has_value());
        QCOMPARE(qkv->size(), std::size_t{3});
        QCOMPARE(qkv->at(1).name,
                 std::string("text_model.encoder.layers.4.self_attn.k_proj.weight"));
        QCOMPARE(qkv->at(1).chunk, 1);
        const auto fc = openClipKeyToTransformers("transformer.resblocks.0.mlp.c_fc.bias", 23);
        QCOMPARE(fc->at(0).name, std::string("text_model.encoder.layers.0.mlp.fc1.bias"));
        QCOMPARE(openClipKeyToTransformers("positional_embedding", 23)->at(0).name,
                 std::string("text_model.embeddings.position_embedding.weight"));
        QCOMPARE(openClipKeyToTransformers("ln_final.weight", 23)->at(0).name,
                 std::string("text_model.final_layer_norm.weight"));
        QVERIFY(openClipKeyToTransformers("transformer.resblocks.23.ln_1.weight", 23)->empty());
        QVERIFY(openClipKeyToTransformers("text_projection", 23)->empty());
        QVERIFY(!openClipKeyToTransformers("visual.conv1.weight", 23));
    }
};

DPSAPF_REGISTER_TEST(TestKeyMapping)

#include "test_key_mapping.moc"
