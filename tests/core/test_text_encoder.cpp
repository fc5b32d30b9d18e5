// SPDX-License-Identifier: GPL-3.0-or-later
// The CLIP tokenizer and text encoder against the upstream transformers/diffusers fixtures
// (sd-tiny/tokenizer, text_encoder, pipeline_run), plus loading and configuration errors.
#include <torch/torch.h> // before any Qt header (stack.md G1)

#include "model/common/state_dict.h"
#include "model/text/clip_pretokenizer.h"
#include "model/text/clip_text_model.h"
#include "model/text/clip_tokenizer.h"
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
constexpr double kTolerance = 1e-5; // README "Observed tolerances": atol = rtol = 1e-5

const char *const kPipelinePrompt = "a photo of an astronaut riding a horse on mars";

nlohmann::json readJson(const std::filesystem::path &path)
{
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

torch::Tensor idsTensor(const std::vector<std::int64_t> &ids)
{
    return torch::tensor(ids, torch::kLong).unsqueeze(0);
}

// allclose with the fixture tolerance; the report carries the maximum absolute difference.
bool closeToFixture(const torch::Tensor &actual, const torch::Tensor &expected, const char *name,
                    QByteArray &report)
{
    if (actual.sizes() != expected.sizes()) {
        report = QByteArray(name) + ": shape mismatch";
        return false;
    }
    const double maxDiff = (actual - expected).abs().max().item<double>();
    report = QByteArray(name) + ": max abs diff " + QByteArray::number(maxDiff, 'g', 3);
    qInfo("%s", report.constData());
    return torch::allclose(actual, expected, kTolerance, kTolerance);
}

void writeText(const std::filesystem::path &path, const std::string &text)
{
    std::ofstream(path, std::ios::binary) << text;
}

} // namespace

class TestClipTokenizer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesTransformersCases();
    void matchesPaddedIdArrays();
    void emptyPromptAndTruncation();
    void matchesPipelinePromptIds();
    void specialTokensAndPadToken();
    void cleanupFollowsPython_data();
    void cleanupFollowsPython();
    void badFilesNameTheFile();
};

void TestClipTokenizer::matchesTransformersCases()
{
    auto tokenizer = ClipTokenizer::load(kFixtures / "tokenizer");
    QVERIFY2(tokenizer.hasValue(), tokenizer ? "" : tokenizer.error().message.c_str());
    ClipTokenizer bang = tokenizer.value();
    QVERIFY(bang.setPadToken("!").hasValue());
    const auto cases = readJson(kFixtures / "tokenizer/cases.json");
    QCOMPARE(tokenizer->bosId(), cases["bos_token_id"].get<std::int64_t>());
    QCOMPARE(tokenizer->eosId(), cases["eos_token_id"].get<std::int64_t>());
    QCOMPARE(tokenizer->padId(), cases["pad_token_id"].get<std::int64_t>());
    QCOMPARE(bang.padId(), cases["pad_token_id_sd2_variant"].get<std::int64_t>());
    QCOMPARE(cases["cases"].size(), std::size_t(10));
    for (const auto &entry : cases["cases"]) {
        const auto text = entry["text"].get<std::string>();
        const QByteArray label = QByteArray::fromStdString(text.substr(0, 40));
        QVERIFY2(tokenizer->bpeTokens(text) == entry["bpe_tokens"].get<std::vector<std::string>>(),
                 label.constData());
        const std::vector<std::int64_t> ids = tokenizer->encode(text);
        QVERIFY2(ids == entry["ids_no_special"].get<std::vector<std::int64_t>>(),
                 label.constData());
        std::vector<std::int64_t> untruncated{tokenizer->bosId()};
        untruncated.insert(untruncated.end(), ids.begin(), ids.end());
        untruncated.push_back(tokenizer->eosId());
        QVERIFY2(untruncated == entry["input_ids_untruncated"].get<std::vector<std::int64_t>>(),
                 label.constData());
        QVERIFY2(tokenizer->encodePadded(text) ==
                     entry["input_ids_77_pad_eot"].get<std::vector<std::int64_t>>(),
                 label.constData());
        QVERIFY2(tokenizer->attentionMask(text) ==
                     entry["attention_mask_77"].get<std::vector<std::int64_t>>(),
                 label.constData());
        QVERIFY2(bang.encodePadded(text) ==
                     entry["input_ids_77_pad_bang"].get<std::vector<std::int64_t>>(),
                 label.constData());
    }
}

void TestClipTokenizer::matchesPaddedIdArrays()
{
    auto tokenizer = ClipTokenizer::load(kFixtures / "tokenizer").value();
    ClipTokenizer bang = tokenizer;
    QVERIFY(bang.setPadToken("!").hasValue());
    const auto cases = readJson(kFixtures / "tokenizer/cases.json");
    std::vector<torch::Tensor> eotRows;
    std::vector<torch::Tensor> bangRows;
    for (const auto &entry : cases["cases"]) {
        const auto text = entry["text"].get<std::string>();
        eotRows.push_back(idsTensor(tokenizer.encodePadded(text)));
        bangRows.push_back(idsTensor(bang.encodePadded(text)));
    }
    QVERIFY(
        torch::equal(torch::cat(eotRows), npy(kFixtures / "tokenizer/input_ids_77_pad_eot.npy")));
    QVERIFY(
        torch::equal(torch::cat(bangRows), npy(kFixtures / "tokenizer/input_ids_77_pad_bang.npy")));
}

void TestClipTokenizer::emptyPromptAndTruncation()
{
    const auto tokenizer = ClipTokenizer::load(kFixtures / "tokenizer").value();
    const std::vector<std::int64_t> empty = tokenizer.encodePadded("");
    QCOMPARE(empty.size(), std::size_t(77));
    QCOMPARE(empty[0], std::int64_t(998));
    QCOMPARE(empty[1], std::int64_t(999));
    QVERIFY(std::all_of(empty.begin() + 2, empty.end(), [](auto id) { return id == 999; }));
    QVERIFY(tokenizer.encode("").empty());
    QVERIFY(tokenizer.encode(" \t\n ").empty());

    std::string longText;
    for (int i = 0; i < 40; ++i) {
        longText += "a castle on a hill ";
    }
    QVERIFY(tokenizer.encode(longText).size() > 75);
    const std::vector<std::int64_t> ids = tokenizer.encodePadded(longText);
    QCOMPARE(ids.size(), std::size_t(77));
    QCOMPARE(ids.front(), std::int64_t(998));
    QCOMPARE(ids.back(), std::int64_t(999)); // EOS survives the cut
    const std::vector<std::int64_t> kept = tokenizer.encode(longText);
    QVERIFY(std::equal(ids.begin() + 1, ids.end() - 1, kept.begin()));
    const auto mask = tokenizer.attentionMask(longText);
    QVERIFY(std::all_of(mask.begin(), mask.end(), [](auto bit) { return bit == 1; }));
    // Other lengths, as in the text encoder fixture (max_length 7).
    QCOMPARE(tokenizer.encodePadded("a cat", 7),
             (std::vector<std::int64_t>{998, 320, 66, 550, 999, 999, 999}));
}

void TestClipTokenizer::matchesPipelinePromptIds()
{
    const auto tokenizer = ClipTokenizer::load(kFixtures / "tokenizer").value();
    QVERIFY(torch::equal(idsTensor(tokenizer.encodePadded(kPipelinePrompt)),
                         npy(kFixtures / "pipeline_run/prompt_input_ids.npy")));
    QVERIFY(torch::equal(idsTensor(tokenizer.encodePadded("")),
                         npy(kFixtures / "pipeline_run/negative_input_ids.npy")));
    // The text encoder fixture's first row is the same prompt without "on mars", cut to 7.
    QVERIFY(torch::equal(idsTensor(tokenizer.encodePadded(kPipelinePrompt, 7)),
                         npy(kFixtures / "text_encoder/input_ids.npy").narrow(0, 0, 1)));
}

void TestClipTokenizer::specialTokensAndPadToken()
{
    auto tokenizer = ClipTokenizer::load(kFixtures / "tokenizer").value();
    // Special tokens in the text are kept whole and never lower-cased or split.
    QCOMPARE(tokenizer.encode("a<|endoftext|>b"), (std::vector<std::int64_t>{320, 999, 65 + 256}));
    QVERIFY(tokenizer.bpeTokens("<|startoftext|>") == std::vector<std::string>{"<|startoftext|>"});
    // Without "!" as a special token, "!!" is BPE-encoded; with it, each "!" is the pad token.
    QCOMPARE(tokenizer.encode("wow!!").back(), std::int64_t(256));
    const auto error = tokenizer.setPadToken("no such token");
    QVERIFY(!error.hasValue());
    QVERIFY2(error.error().message.find("no such token") != std::string::npos,
             error.error().message.c_str());
    QCOMPARE(tokenizer.padId(), std::int64_t(999)); // unchanged after the refusal
    QVERIFY(tokenizer.setPadToken("!").hasValue());
    QCOMPARE(tokenizer.padId(), std::int64_t(0));
    QCOMPARE(tokenizer.encode("wow!!").back(), std::int64_t(0));
    QCOMPARE(tokenizer.config().modelMaxLength, std::size_t(77));
    QCOMPARE(tokenizer.vocabSize(), std::size_t(1000));
}

void TestClipTokenizer::cleanupFollowsPython_data()
{
    // Expected pieces from transformers' cleanup + regex pattern under CPython 3.11 (Unicode 14).
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("pieces");
    QTest::newRow("NFC and lower-case")
        << QStringLiteral("Cafe\u0301 NA\u00CFVE")
        << QStringList{QStringLiteral("caf\u00E9"), QStringLiteral("na\u00EFve")};
    QTest::newRow("final sigma") << QStringLiteral("\u039F\u0394\u039F\u03A3 \u03A3\u0391 \u03A3.")
                                 << QStringList{QStringLiteral("\u03BF\u03B4\u03BF\u03C2"),
                                                QStringLiteral("\u03C3\u03B1"),
                                                QStringLiteral("\u03C3"), QStringLiteral(".")};
    QTest::newRow("CJK ideographs stand alone")
        << QStringLiteral("\u732Bcat") << QStringList{QStringLiteral("\u732B"), "cat"};
    QTest::newRow("control, format and U+FFFD dropped")
        << QStringLiteral("a\u200Db\u0007c\uFFFD") << QStringList{"abc"};
    QTest::newRow("dotted capital I")
        << QStringLiteral("\u0130stanbul") << QStringList{"i", QStringLiteral("\u0307"), "stanbul"};
    QTest::newRow("long s contraction")
        << QStringLiteral("it'\u017F") << QStringList{"it", QStringLiteral("'\u017F")};
    QTest::newRow("ypogegrammeni matches nothing")
        << QStringLiteral("x\u0345y") << QStringList{"x", "y"};
    QTest::newRow("digits one by one")
        << QStringLiteral("1/2\u00BD") << QStringList{"1", "/", "2", QStringLiteral("\u00BD")};
    QTest::newRow("Unicode spaces")
        << QStringLiteral("a\u00A0b\u3000c\u2028d") << QStringList{"a", "b", "c", "d"};
    QTest::newRow("special spelling after lower-casing")
        << QStringLiteral("<|ENDOFTEXT|>!") << QStringList{"<|endoftext|>", "!"};
}

void TestClipTokenizer::cleanupFollowsPython()
{
    QFETCH(QString, text);
    QFETCH(QStringList, pieces);
    std::vector<std::string> expected;
    for (const auto &piece : pieces) {
        expected.push_back(piece.toStdString());
    }
    QVERIFY(clipPreTokenize(text.toStdString()) == expected);
    // Malformed UTF-8 never fails: the bad byte becomes U+FFFD, which the cleanup drops.
    QVERIFY(clipPreTokenize("a\xFF\xC3"
                            "b") == std::vector<std::string>{"ab"});
}

void TestClipTokenizer::badFilesNameTheFile()
{
    QTemporaryDir dir;
    const std::filesystem::path folder = dir.path().toStdString();
    const auto missing = ClipTokenizer::load(folder);
    QVERIFY(!missing.hasValue());
    QVERIFY2(missing.error().message.find("vocab.json") != std::string::npos,
             missing.error().message.c_str());

    for (const char *name : {"vocab.json", "tokenizer_config.json", "special_tokens_map.json"}) {
        std::filesystem::copy_file(kFixtures / "tokenizer" / name, folder / name);
    }
    QVERIFY(ClipTokenizer::load(folder).error().message.find("merges.txt") != std::string::npos);
    writeText(folder / "merges.txt", "#version: 0.2\nt h\nt i\nthree symbols here\n");
    const auto malformed = ClipTokenizer::load(folder);
    QVERIFY(!malformed.hasValue());
    QVERIFY2(malformed.error().message.find("merges.txt") != std::string::npos &&
                 malformed.error().message.find("line 4") != std::string::npos,
             malformed.error().message.c_str());
    writeText(folder / "merges.txt", "#version: 0.2\nt h\r\nt i\n\n");
    QVERIFY(ClipTokenizer::load(folder).hasValue()); // CRLF and trailing blank lines are fine

    writeText(folder / "special_tokens_map.json", R"({"pad_token": 5})");
    const auto badToken = ClipTokenizer::load(folder);
    QVERIFY2(!badToken.hasValue() &&
                 badToken.error().message.find("special_tokens_map.json") != std::string::npos &&
                 badToken.error().message.find("pad_token") != std::string::npos,
             badToken ? "" : badToken.error().message.c_str());
    writeText(folder / "special_tokens_map.json", R"({"pad_token": "<|nope|>"})");
    QVERIFY(ClipTokenizer::load(folder).error().message.find("<|nope|>") != std::string::npos);
    writeText(folder / "vocab.json", R"({"a": "x"})");
    QVERIFY(ClipTokenizer::load(folder).error().message.find("vocab.json") != std::string::npos);
}

class TestClipTextModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesTransformersFixture();
    void matchesSeventySevenTokenFixtures();
    void encodesPipelinePrompts();
    void namesMatchTheCheckpoint();
    void positionIdsAndHalfWeightsLoad();
    void configErrorsNameTheField();
};

void TestClipTextModel::matchesTransformersFixture()
{
    const auto dir = kFixtures / "text_encoder";
    auto model = loadClipTextModelFolder(dir);
    QVERIFY2(model.hasValue(), model ? "" : model.error().message.c_str());
    torch::NoGradGuard noGrad;
    const ClipTextOutput output = model.value()->forward(npy(dir / "input_ids.npy"));
    QByteArray report;
    QVERIFY2(closeToFixture(output.lastHiddenState, npy(dir / "last_hidden_state.npy"),
                            "last_hidden_state", report),
             report.constData());
    QVERIFY2(closeToFixture(output.poolerOutput, npy(dir / "pooler_output.npy"), "pooler_output",
                            report),
             report.constData());
    QCOMPARE(output.hiddenStates.size(), std::size_t(3));
    QVERIFY2(closeToFixture(torch::stack(output.hiddenStates), npy(dir / "hidden_states.npy"),
                            "hidden_states", report),
             report.constData());
}

void TestClipTextModel::matchesSeventySevenTokenFixtures()
{
    const auto dir = kFixtures / "text_encoder";
    auto model = loadClipTextModelFolder(dir).value();
    torch::NoGradGuard noGrad;
    const torch::Tensor ids = npy(dir / "input_ids_77.npy");
    const ClipTextOutput output = model->forward(ids);
    QByteArray report;
    QVERIFY2(closeToFixture(output.lastHiddenState, npy(dir / "last_hidden_state_77.npy"),
                            "last_hidden_state_77", report),
             report.constData());
    QVERIFY2(closeToFixture(output.hiddenStates[output.hiddenStates.size() - 2],
                            npy(dir / "penultimate_hidden_state_77.npy"),
                            "penultimate_hidden_state_77", report),
             report.constData());
    QVERIFY2(closeToFixture(encodePrompt(model, ids, 1),
                            npy(dir / "penultimate_hidden_state_77_final_ln.npy"),
                            "penultimate_hidden_state_77_final_ln", report),
             report.constData());
    QVERIFY(torch::equal(encodePrompt(model, ids, 0), output.lastHiddenState));
    QVERIFY(
        torch::equal(encodePrompt(model, ids, 2), model->finalLayerNorm(output.hiddenStates[0])));
    QVERIFY_EXCEPTION_THROWN(encodePrompt(model, ids, 3), c10::Error);
    QVERIFY_EXCEPTION_THROWN(model->forward(torch::zeros({1, 78}, torch::kLong)), c10::Error);
}

void TestClipTextModel::encodesPipelinePrompts()
{
    const auto tokenizer = ClipTokenizer::load(kFixtures / "tokenizer").value();
    auto model = loadClipTextModelFolder(kFixtures / "text_encoder").value();
    torch::NoGradGuard noGrad;
    const torch::Tensor promptIds = idsTensor(tokenizer.encodePadded(kPipelinePrompt));
    const torch::Tensor negativeIds = idsTensor(tokenizer.encodePadded(""));
    const auto run = kFixtures / "pipeline_run";
    QByteArray report;
    QVERIFY2(closeToFixture(encodePrompt(model, promptIds), npy(run / "prompt_embeds.npy"),
                            "prompt_embeds", report),
             report.constData());
    QVERIFY2(closeToFixture(encodePrompt(model, negativeIds),
                            npy(run / "negative_prompt_embeds.npy"), "negative_prompt_embeds",
                            report),
             report.constData());
    QVERIFY2(closeToFixture(encodePrompt(model, promptIds, 1),
                            npy(run / "prompt_embeds_clip_skip1.npy"), "prompt_embeds_clip_skip1",
                            report),
             report.constData());
}

void TestClipTextModel::namesMatchTheCheckpoint()
{
    auto header = readSafetensorsHeader(kFixtures / "text_encoder/model.safetensors");
    QVERIFY(header.hasValue());
    std::map<std::string, std::vector<std::int64_t>> fileShapes;
    for (const auto &entry : header->entries) {
        fileShapes[entry.name] = entry.shape;
    }
    auto model = loadClipTextModelFolder(kFixtures / "text_encoder").value();
    const TensorMap state = moduleStateDict(*model);
    QCOMPARE(state.size(), fileShapes.size());
    QCOMPARE(state.size(), std::size_t(36));
    for (const auto &[name, tensor] : state) {
        QVERIFY2(fileShapes.count(name) == 1, name.c_str());
        QCOMPARE(std::vector<std::int64_t>(tensor.sizes().begin(), tensor.sizes().end()),
                 fileShapes[name]);
    }
    std::int64_t parameters = 0;
    for (const auto &parameter : model->parameters()) {
        parameters += parameter.numel();
    }
    QCOMPARE(parameters, std::int64_t(48106));
}

void TestClipTextModel::positionIdsAndHalfWeightsLoad()
{
    const auto dir = kFixtures / "text_encoder";
    auto reference = loadClipTextModelFolder(dir).value();
    auto tensors = loadSafetensorsTensors(dir / "model.safetensors").value();
    QCOMPARE(tensors.count("text_model.embeddings.position_ids"), std::size_t(0));
    const auto config = reference->config();
    torch::NoGradGuard noGrad;
    const torch::Tensor ids = npy(dir / "input_ids.npy");
    const torch::Tensor expected = reference->forward(ids).lastHiddenState;

    // Real SD 1.5 files carry position_ids (int64 [1, 77]): accepted and ignored.
    tensors["text_model.embeddings.position_ids"] = torch::arange(77, torch::kLong).unsqueeze(0);
    ClipTextModel withPositions(config);
    const auto loaded = loadClipTextWeights(withPositions, tensors, "with_position_ids");
    QVERIFY2(loaded.hasValue(), loaded ? "" : loaded.error().message.c_str());
    withPositions->eval();
    QVERIFY(torch::equal(withPositions->forward(ids).lastHiddenState, expected));

    // fp16 files load into the fp32 model (rounded weights, so only roughly equal outputs).
    TensorMap half;
    for (const auto &[name, tensor] : tensors) {
        half[name] = tensor.is_floating_point() ? tensor.to(torch::kHalf) : tensor;
    }
    ClipTextModel fromHalf(config);
    QVERIFY(loadClipTextWeights(fromHalf, half, "half").hasValue());
    fromHalf->eval();
    QVERIFY(fromHalf->parameters().front().scalar_type() == torch::kFloat);
    QVERIFY((fromHalf->forward(ids).lastHiddenState - expected).abs().max().item<double>() < 0.05);

    // A missing tensor is named.
    tensors.erase("text_model.final_layer_norm.bias");
    ClipTextModel incomplete(config);
    const auto missing = loadClipTextWeights(incomplete, tensors, "incomplete.safetensors");
    QVERIFY(!missing.hasValue());
    QVERIFY2(missing.error().message.find("text_model.final_layer_norm.bias") !=
                     std::string::npos &&
                 missing.error().message.find("incomplete.safetensors") != std::string::npos,
             missing.error().message.c_str());
}

void TestClipTextModel::configErrorsNameTheField()
{
    auto json = readJson(kFixtures / "text_encoder/config.json");
    const auto parsed = ClipTextConfig::fromConfigJson(json);
    QVERIFY(parsed.hasValue());
    QCOMPARE(parsed->hiddenSize, std::int64_t(32));
    QCOMPARE(parsed->intermediateSize, std::int64_t(37));
    QVERIFY(parsed->hiddenAct == ClipActivation::QuickGelu);
    QCOMPARE(parsed->eosTokenId, std::int64_t(2));
    json["num_attention_heads"] = 5;
    QVERIFY(ClipTextConfig::fromConfigJson(json).error().message.find("num_attention_heads") !=
            std::string::npos);
    json["num_attention_heads"] = "4";
    QVERIFY(ClipTextConfig::fromConfigJson(json).error().message.find("num_attention_heads") !=
            std::string::npos);
    json["num_attention_heads"] = 4;
    json["hidden_act"] = "gelu";
    QVERIFY(ClipTextConfig::fromConfigJson(json)->hiddenAct == ClipActivation::Gelu);
    nlohmann::json nested{{"text_config", json}, {"projection_dim", 512}};
    QCOMPARE(ClipTextConfig::fromConfigJson(nested)->hiddenSize, std::int64_t(32));

    QTemporaryDir dir;
    const std::filesystem::path folder = dir.path().toStdString();
    json["hidden_act"] = "relu";
    writeText(folder / "config.json", json.dump());
    std::filesystem::copy_file(kFixtures / "text_encoder/model.safetensors",
                               folder / "model.safetensors");
    const auto refused = loadClipTextModelFolder(folder);
    QVERIFY(!refused.hasValue());
    QVERIFY2(refused.error().message.find("config.json") != std::string::npos &&
                 refused.error().message.find("hidden_act") != std::string::npos &&
                 refused.error().message.find("relu") != std::string::npos,
             refused.error().message.c_str());
    json["hidden_act"] = "quick_gelu";
    writeText(folder / "config.json", json.dump());
    QVERIFY(loadClipTextModelFolder(folder).hasValue());
    std::filesystem::remove(folder / "model.safetensors");
    QVERIFY(loadClipTextModelFolder(folder).error().message.find("model.safetensors") !=
            std::string::npos);
}

DPSAPF_REGISTER_TEST(TestClipTokenizer)
DPSAPF_REGISTER_TEST(TestClipTextModel)
#include "test_text_encoder.moc"
