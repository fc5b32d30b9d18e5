// SPDX-License-Identifier: GPL-3.0-or-later
// Selection from noisy scores: top-c with ties, layer level, random, DP-LoRA, and the
// tuning_layers.json / scores.json formats of the reference.
#include "dpsapf/core/selection.h"

#include "test_registry.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace dpsapf::core;

namespace {

// The 128 SD1.5-topology keys: 16 transformer blocks x attn1/attn2 x q, k, v, out.
std::vector<std::string> candidateKeys()
{
    std::vector<std::string> blocks;
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 2; ++j) {
            blocks.push_back("down_blocks." + std::to_string(i) + ".attentions." +
                             std::to_string(j));
        }
    }
    blocks.push_back("mid_block.attentions.0");
    for (int i = 1; i < 4; ++i) {
        for (int j = 0; j < 3; ++j) {
            blocks.push_back("up_blocks." + std::to_string(i) + ".attentions." + std::to_string(j));
        }
    }
    std::vector<std::string> keys;
    for (const auto &block : blocks) {
        for (const char *attention : {"attn1", "attn2"}) {
            for (const char *projection : {"to_q", "to_k", "to_v", "to_out.0"}) {
                keys.push_back(block + ".transformer_blocks.0." + attention + "." + projection);
            }
        }
    }
    return keys;
}

NoisyScores scoresFor(const std::vector<std::string> &keys)
{
    NoisyScores scores;
    scores.keys = keys;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        scores.scores.push_back(static_cast<double>((i * 37) % 128)); // a permutation of 0..127
    }
    scores.noiseMultiplier = 5.0;
    scores.recordsUsed = 55000;
    return scores;
}

} // namespace

class TestSelection final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void topCSelectsTheHighestNoisyScores();
    void tiesBreakByKeyName();
    void toOutIsFirstClass();
    void layerLevelTakesWholeProcessors();
    void randomIsSeededAndSized();
    void tuningLayersRoundTrip();
    void readsBothReferenceForms();
    void scoresJsonHasEveryField();
    void invalidRatiosAreErrors();
};

void TestSelection::topCSelectsTheHighestNoisyScores()
{
    const auto keys = candidateKeys();
    QCOMPARE(keys.size(), std::size_t(128));
    const NoisyScores scores = scoresFor(keys);
    const auto selection = selectMatrixTopC(scores, 0.3);
    QVERIFY(selection.hasValue());
    QCOMPARE(selection->selectedKeys.size(), std::size_t(38)); // floor(0.3 * 128)
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const bool chosen = std::binary_search(selection->selectedKeys.begin(),
                                               selection->selectedKeys.end(), keys[i]);
        QCOMPARE(chosen, scores.scores[i] >= 90.0); // scores 90..127 are the top 38
        QCOMPARE(selection->ranks[i], std::int64_t(128 - scores.scores[i]));
    }
    QCOMPARE(selectMatrixTopC(scores, 1.0)->selectedKeys.size(), std::size_t(128));
    QCOMPARE(selectMatrixTopC(scores, 0.05)->selectedKeys.size(), std::size_t(6));
}

void TestSelection::tiesBreakByKeyName()
{
    NoisyScores scores;
    scores.keys = {"b.attn1.to_q", "a.attn1.to_q", "c.attn1.to_q", "d.attn1.to_q"};
    scores.scores = {1.0, 1.0, 1.0, 0.5};
    const auto selection = selectMatrixTopC(scores, 0.5);
    QCOMPARE(selection->selectedKeys, (std::vector<std::string>{"a.attn1.to_q", "b.attn1.to_q"}));
    QCOMPARE(selection->ranks, (std::vector<std::int64_t>{2, 1, 3, 4}));
}

void TestSelection::toOutIsFirstClass()
{
    NoisyScores scores;
    scores.keys = {"m.attn2.to_out.0", "m.attn2.to_k", "m.attn1.to_q", "m.attn1.to_v"};
    scores.scores = {9.0, 8.0, 1.0, 0.0};
    const auto selection = selectMatrixTopC(scores, 0.5);
    QCOMPARE(selection->selectedKeys.size(), std::size_t(2));
    const nlohmann::json layers = tuningLayersJson(selection.value());
    QCOMPARE(layers.dump(), std::string(R"({"m.attn2.processor":["k","o"]})"));
}

void TestSelection::layerLevelTakesWholeProcessors()
{
    NoisyScores processors;
    processors.keys = {"x.attn1", "x.attn2", "y.attn1", "y.attn2"};
    processors.scores = {0.1, 5.0, 3.0, 0.2};
    const auto selection = selectLayerTopC(processors, 0.5);
    QVERIFY(selection.hasValue());
    QCOMPARE(selection->selectedKeys.size(), std::size_t(8));
    QVERIFY(std::binary_search(selection->selectedKeys.begin(), selection->selectedKeys.end(),
                               std::string("y.attn1.to_out.0")));
    const nlohmann::json layers = tuningLayersJson(selection.value());
    QVERIFY(layers.is_array());
    QCOMPARE(layers.dump(), std::string(R"(["x.attn2.processor","y.attn1.processor"])"));
}

void TestSelection::randomIsSeededAndSized()
{
    const auto keys = candidateKeys();
    const auto a = selectRandom(keys, 0.3, 11);
    const auto b = selectRandom(keys, 0.3, 11);
    const auto c = selectRandom(keys, 0.3, 12);
    QCOMPARE(a->selectedKeys.size(), std::size_t(38));
    QCOMPARE(a->selectedKeys, b->selectedKeys);
    QVERIFY(a->selectedKeys != c->selectedKeys);
    QCOMPARE(selectAll(keys).selectedKeys.size(), std::size_t(128));
}

void TestSelection::tuningLayersRoundTrip()
{
    const auto keys = candidateKeys();
    const auto selection = selectMatrixTopC(scoresFor(keys), 0.3);
    const auto back = readTuningLayers(tuningLayersJson(selection.value()));
    QVERIFY(back.hasValue());
    QCOMPARE(back.value(), selection->selectedKeys);
}

void TestSelection::readsBothReferenceForms()
{
    const auto object = readTuningLayers(nlohmann::json::parse(
        R"({"mid_block.attentions.0.transformer_blocks.0.attn2.processor": ["v", "k"],
            "up_blocks.1.attentions.0.transformer_blocks.0.attn1.processor": ["o", "q"]})"));
    QVERIFY(object.hasValue());
    QCOMPARE(object->size(), std::size_t(4));
    QCOMPARE(object->front(),
             std::string("mid_block.attentions.0.transformer_blocks.0.attn2.to_k"));
    const auto array = readTuningLayers(nlohmann::json::parse(
        R"(["up_blocks.3.attentions.2.transformer_blocks.0.attn2.processor"])"));
    QCOMPARE(array->size(), std::size_t(4));
    QVERIFY(!readTuningLayers(nlohmann::json::parse(R"({"x.attn1.processor": ["z"]})")).hasValue());
    QVERIFY(!readTuningLayers(nlohmann::json::parse(R"(["x.attn1"])")).hasValue());
    QVERIFY(!readTuningLayers(nlohmann::json::parse("42")).hasValue());
}

void TestSelection::scoresJsonHasEveryField()
{
    const auto keys = candidateKeys();
    const NoisyScores scores = scoresFor(keys);
    const auto selection = selectMatrixTopC(scores, 0.3);
    const nlohmann::json json = scoresJson(scores, selection.value());
    for (const char *field : {"keys", "noisy_scores", "rank", "selected", "c", "k", "sigma_s",
                              "clip_norm", "q_s", "n_used", "seed"}) {
        QVERIFY2(json.contains(field), field);
    }
    QCOMPARE(json["k"].get<int>(), 38);
    QCOMPARE(json["selected"].size(), std::size_t(128));
}

void TestSelection::invalidRatiosAreErrors()
{
    const NoisyScores scores = scoresFor(candidateKeys());
    for (const double ratio : {0.0, -0.1, 1.5, std::nan("")}) {
        const auto result = selectMatrixTopC(scores, ratio);
        QVERIFY(!result.hasValue());
        QVERIFY(result.error().message.find("selection ratio") != std::string::npos);
    }
}

DPSAPF_REGISTER_TEST(TestSelection)
#include "test_selection.moc"
