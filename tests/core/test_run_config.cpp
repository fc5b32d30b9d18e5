// SPDX-License-Identifier: GPL-3.0-or-later
// RunConfig: JSON round trip, strict parsing (unknown keys, wrong types), --set overrides,
// validation messages per field, presets.
#include "dpsapf/core/run_config.h"

#include "test_registry.h"

#include <QtTest>

using namespace dpsapf::core;
using nlohmann::json;

namespace {

// The error message of a config that must be rejected.
std::string rejection(const Expected<RunConfig> &config)
{
    return config ? std::string("(accepted)") : config.error().message;
}

std::string invalidBecause(const RunConfig &config)
{
    const auto valid = config.validate();
    return valid ? std::string("(valid)") : valid.error().message;
}

bool startsWith(const std::string &text, const std::string &prefix)
{
    return text.rfind(prefix, 0) == 0;
}

} // namespace

class TestRunConfig final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void unknownKeysAndWrongTypesNameTheKey();
    void overrides();
    void validationNamesTheField();
    void deltaMustStayBelowOneOverN();
    void presets();
};

void TestRunConfig::roundTrip()
{
    RunConfig config;
    config.name = "demo";
    config.variant = RunVariant::LayerLevel;
    config.seed = 42;
    config.dataset.kind = "folder";
    config.dataset.path = "/data/x";
    config.dataset.classNames = {"a", "b"};
    config.privacy.epsilon = 3.5;
    config.privacy.delta = 1e-5;
    config.lora.rankOut = 8;
    config.train.clipMode = "flat";
    config.generate.sampler = "ddim";
    config.exports.referenceLayout = true;
    config.compareVariants = {"dp-sapf", "random"};
    config.gradientCheckpointing = "on";
    config.frozenPrecision = "bf16";
    const Expected<RunConfig> back = runConfigFromJson(config.toJson());
    QVERIFY(back);
    QCOMPARE(back->toJson(), config.toJson());
    QCOMPARE(back->lora.rankFor('o'), std::int64_t{8});
    QCOMPARE(back->lora.rankFor('q'), std::int64_t{4});
    // Absent keys keep the base's values.
    const Expected<RunConfig> partial = runConfigFromJson(json{{"train", {{"steps", 7}}}}, config);
    QVERIFY(partial);
    QCOMPARE(partial->train.steps, std::int64_t{7});
    QCOMPARE(partial->privacy.epsilon, 3.5);
}

void TestRunConfig::unknownKeysAndWrongTypesNameTheKey()
{
    QCOMPARE(rejection(runConfigFromJson(json{{"train", {{"stepz", 3}}}})),
             std::string("train.stepz: unknown key"));
    QCOMPARE(rejection(runConfigFromJson(json{{"colour", "red"}})),
             std::string("colour: unknown key"));
    QVERIFY(startsWith(rejection(runConfigFromJson(json{{"train", {{"steps", "ten"}}}})),
                       "train.steps: expected an integer"));
    QVERIFY(startsWith(rejection(runConfigFromJson(json{{"train", {{"steps", 2.5}}}})),
                       "train.steps: expected an integer"));
    QVERIFY(startsWith(rejection(runConfigFromJson(json{{"privacy", {{"epsilon", true}}}})),
                       "privacy.epsilon: expected a number"));
    QVERIFY(startsWith(rejection(runConfigFromJson(json{{"privacy", 3}})),
                       "privacy: expected an object"));
    QVERIFY(startsWith(rejection(runConfigFromJson(json{{"compare_variants", {1, 2}}})),
                       "compare_variants: expected an array of strings"));
    QVERIFY(startsWith(rejection(runConfigFromJson(json{{"seed", -1}})), "seed: expected"));
    QVERIFY(startsWith(rejection(runConfigFromJson(json{{"variant", "dp-magic"}})), "variant:"));
    // An integral float is an integer (1e3 in a JSON file).
    const Expected<RunConfig> integral = runConfigFromJson(json{{"train", {{"steps", 1e3}}}});
    QVERIFY(integral);
    QCOMPARE(integral->train.steps, std::int64_t{1000});
}

void TestRunConfig::overrides()
{
    Expected<RunConfig> config = applyOverride(RunConfig{}, "privacy.epsilon=2.5");
    QVERIFY(config);
    QCOMPARE(config->privacy.epsilon, 2.5);
    config = applyOverride(config.value(), "variant=dp-lora");
    QVERIFY(config);
    QCOMPARE(config->variant, RunVariant::DpLora);
    config = applyOverride(config.value(), "dataset.path=/tmp/with=sign");
    QVERIFY(config);
    QCOMPARE(config->dataset.path, std::string("/tmp/with=sign"));
    config = applyOverride(config.value(), "export.lora=false");
    QVERIFY(config);
    QVERIFY(!config->exports.lora);
    QVERIFY(startsWith(rejection(applyOverride(RunConfig{}, "privacy.epsilom=2")),
                       "privacy.epsilom: unknown key"));
    QVERIFY(startsWith(rejection(applyOverride(RunConfig{}, "train.steps=many")),
                       "train.steps: expected an integer"));
    QVERIFY(!applyOverride(RunConfig{}, "no-equals-sign"));
    QVERIFY(!applyOverride(RunConfig{}, "train..steps=3"));
}

void TestRunConfig::validationNamesTheField()
{
    QCOMPARE(invalidBecause(RunConfig{}), std::string("(valid)"));
    const auto check = [](const std::string &assignment, const std::string &field) {
        const Expected<RunConfig> config = applyOverride(RunConfig{}, assignment);
        QVERIFY2(config, assignment.c_str());
        const std::string message = invalidBecause(config.value());
        QVERIFY2(startsWith(message, field + ":"), (assignment + " -> " + message).c_str());
    };
    check("privacy.epsilon=0", "privacy.epsilon");
    check("privacy.epsilon=-1", "privacy.epsilon");
    check("privacy.delta=1", "privacy.delta");
    check("selection.ratio=0", "selection.ratio");
    check("selection.ratio=1.5", "selection.ratio");
    check("lora.rank=0", "lora.rank");
    check("lora.rank_v=-2", "lora.rank_v");
    check("train.steps=0", "train.steps");
    check("train.batch_size=0", "train.batch_size");
    check("train.clip_mode=\"sometimes\"", "train.clip_mode");
    check("probe.noise_multiplier=0", "probe.noise_multiplier");
    check("generate.sampler=pndm", "generate.sampler");
    check("dataset.kind=folder", "dataset.path");
    check("dataset.bad_files=ignore", "dataset.bad_files");
    check("privacy.accountant=gdp", "privacy.accountant");
    check("compare_variants=[\"dp-sapf\",\"nope\"]", "compare_variants");
    check("gradient_checkpointing=sometimes", "gradient_checkpointing");
    check("frozen_precision=int8", "frozen_precision");
    // Full-rank variants train the frozen weights' own dtype: reduced precision is refused.
    const auto noLora = applyOverride(RunConfig{}, "variant=no-lora");
    QVERIFY(noLora);
    const auto bf16NoLora = applyOverride(noLora.value(), "frozen_precision=bf16");
    QVERIFY(bf16NoLora);
    QVERIFY(startsWith(invalidBecause(bf16NoLora.value()), "frozen_precision: bf16 applies"));
    QVERIFY(applyOverride(RunConfig{}, "frozen_precision=bf16")->validate());
    QVERIFY(applyOverride(RunConfig{}, "gradient_checkpointing=off")->validate());
    // c = 1 is allowed (all matrices), as is an explicit small delta.
    QVERIFY(applyOverride(RunConfig{}, "selection.ratio=1")->validate());
}

void TestRunConfig::deltaMustStayBelowOneOverN()
{
    RunConfig config;
    config.train.batchSize = 10;
    QVERIFY(config.validateForDataset(1000)); // delta 0: 1/(N ln N)
    config.privacy.delta = 1e-3;              // = 1/N
    const auto refused = config.validateForDataset(1000);
    QVERIFY(!refused);
    QVERIFY(startsWith(refused.error().message, "privacy.delta:"));
    config.privacy.delta = 9.9e-4;
    QVERIFY(config.validateForDataset(1000));
    config.train.batchSize = 2000;
    QVERIFY(startsWith(config.validateForDataset(1000).error().message, "train.batch_size:"));
    QVERIFY(!config.validateForDataset(1));
    QVERIFY(std::abs(defaultDelta(55000) - 1.0 / (55000.0 * std::log(55000.0))) < 1e-18);
    QVERIFY(defaultDelta(55000) < 1.0 / 55000.0);
}

void TestRunConfig::presets()
{
    for (const auto &name : presetNames()) {
        const Expected<RunConfig> preset = presetConfig(name);
        QVERIFY(preset);
        QVERIFY2(preset->validate(), name.c_str());
        QCOMPARE(preset->name, name);
    }
    QCOMPARE(presetConfig("quick")->compareVariants,
             (std::vector<std::string>{"dp-sapf", "dp-lora"}));
    QCOMPARE(presetConfig("paper")->train.batchSize, std::int64_t{4096});
    QCOMPARE(presetConfig("paper")->train.steps, std::int64_t{1000});
    QCOMPARE(presetConfig("paper")->probe.sampleSize, std::int64_t{50000});
    QVERIFY(presetConfig("smoke")->dataset.limit > 0);
    QVERIFY(!presetConfig("huge"));
}

DPSAPF_REGISTER_TEST(TestRunConfig)
#include "test_run_config.moc"
