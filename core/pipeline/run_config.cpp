// SPDX-License-Identifier: GPL-3.0-or-later
// RunConfig: JSON in and out, strict schema checks, overrides and validation.
#include "dpsapf/core/run_config.h"

#include <cmath>
#include <limits>

namespace dpsapf::core {
namespace {

using nlohmann::json;

Error fieldError(const std::string &key, const std::string &reason)
{
    return makeError(ErrorCode::InvalidArgument, key + ": " + reason);
}

std::string typeName(const json &value)
{
    if (value.is_number_integer() || value.is_number_unsigned()) {
        return "an integer";
    }
    if (value.is_number()) {
        return "a number";
    }
    if (value.is_boolean()) {
        return "true or false";
    }
    if (value.is_string()) {
        return "a string";
    }
    if (value.is_array()) {
        return "an array";
    }
    if (value.is_object()) {
        return "an object";
    }
    return "null";
}

bool isWholeNumber(const json &value)
{
    if (value.is_number_integer() || value.is_number_unsigned()) {
        return true;
    }
    if (!value.is_number_float()) {
        return false;
    }
    const double number = value.get<double>();
    return std::isfinite(number) && std::floor(number) == number && std::fabs(number) < 9.0e15;
}

// Checks `given` against the schema `defaults` (a complete RunConfig::toJson()).
Expected<bool> checkAgainstSchema(const json &given, const json &defaults, const std::string &path)
{
    const std::string where = path.empty() ? "config" : path;
    if (!given.is_object()) {
        return fieldError(where, "expected an object, got " + typeName(given));
    }
    for (const auto &[key, value] : given.items()) {
        const std::string keyPath = path.empty() ? key : path + "." + key;
        const auto found = defaults.find(key);
        if (found == defaults.end()) {
            return fieldError(keyPath, "unknown key");
        }
        const json &expected = *found;
        bool ok = false;
        if (expected.is_object()) {
            if (auto nested = checkAgainstSchema(value, expected, keyPath); !nested) {
                return nested;
            }
            ok = true;
        } else if (expected.is_array()) {
            ok = value.is_array();
            for (const auto &element : value) {
                ok = ok && element.is_string();
            }
            if (!ok) {
                return fieldError(keyPath, "expected an array of strings");
            }
        } else if (expected.is_boolean()) {
            ok = value.is_boolean();
        } else if (expected.is_string()) {
            ok = value.is_string();
        } else if (expected.is_number_unsigned()) {
            ok = isWholeNumber(value) && value.get<double>() >= 0.0;
        } else if (expected.is_number_integer()) {
            ok = isWholeNumber(value);
        } else if (expected.is_number()) {
            ok = value.is_number();
        }
        if (!ok) {
            return fieldError(
                keyPath,
                "expected " + typeName(expected) + ", got " +
                    (value.is_string() ? "\"" + value.get<std::string>() + "\"" : value.dump()));
        }
    }
    return true;
}

std::int64_t integer(const json &value)
{
    return value.is_number_float() ? static_cast<std::int64_t>(value.get<double>())
                                   : value.get<std::int64_t>();
}

Expected<RunConfig> readComplete(const json &j)
{
    RunConfig c;
    c.name = j.at("name").get<std::string>();
    Expected<RunVariant> variant = parseVariant(j.at("variant").get<std::string>());
    if (!variant) {
        return variant.error();
    }
    c.variant = variant.value();
    c.seed = static_cast<std::uint64_t>(integer(j.at("seed")));
    c.device = j.at("device").get<std::string>();
    c.modelPath = j.at("model_path").get<std::string>();
    c.chargeProbe = j.at("charge_probe").get<bool>();
    c.compareVariants = j.at("compare_variants").get<std::vector<std::string>>();

    const json &d = j.at("dataset");
    c.dataset.kind = d.at("kind").get<std::string>();
    c.dataset.path = d.at("path").get<std::string>();
    c.dataset.labelsPath = d.at("labels_path").get<std::string>();
    c.dataset.classNames = d.at("class_names").get<std::vector<std::string>>();
    c.dataset.trainSize = integer(d.at("train_size"));
    c.dataset.splitSeed = static_cast<std::uint64_t>(integer(d.at("split_seed")));
    c.dataset.limit = integer(d.at("limit"));
    c.dataset.badFiles = d.at("bad_files").get<std::string>();

    const json &p = j.at("privacy");
    c.privacy.epsilon = p.at("epsilon").get<double>();
    c.privacy.delta = p.at("delta").get<double>();
    c.privacy.accountant = p.at("accountant").get<std::string>();
    c.privacy.noise = p.at("noise").get<std::string>();

    const json &pr = j.at("probe");
    c.probe.sampleSize = integer(pr.at("sample_size"));
    c.probe.noiseMultiplier = pr.at("noise_multiplier").get<double>();
    c.probe.clipNorm = pr.at("clip_norm").get<double>();
    c.probe.microBatchSize = integer(pr.at("micro_batch_size"));

    c.selection.ratio = j.at("selection").at("ratio").get<double>();

    const json &l = j.at("lora");
    c.lora.rank = integer(l.at("rank"));
    c.lora.alpha = l.at("alpha").get<double>();
    c.lora.rankQ = integer(l.at("rank_q"));
    c.lora.rankK = integer(l.at("rank_k"));
    c.lora.rankV = integer(l.at("rank_v"));
    c.lora.rankOut = integer(l.at("rank_out"));

    const json &t = j.at("train");
    c.train.steps = integer(t.at("steps"));
    c.train.batchSize = integer(t.at("batch_size"));
    c.train.microBatchSize = integer(t.at("micro_batch_size"));
    c.train.learningRate = t.at("learning_rate").get<double>();
    c.train.embeddingLearningRate = t.at("embedding_learning_rate").get<double>();
    c.train.weightDecay = t.at("weight_decay").get<double>();
    c.train.clipMode = t.at("clip_mode").get<std::string>();
    c.train.maxGradNorm = t.at("max_grad_norm").get<double>();
    c.train.postClipNorm = t.at("post_clip_norm").get<double>();
    c.train.checkpointEvery = integer(t.at("checkpoint_every"));
    c.train.gridSamplesPerClass = integer(t.at("grid_samples_per_class"));
    c.train.classTokenInit = t.at("class_token_init").get<std::string>();

    const json &g = j.at("generate");
    c.generate.imagesPerClass = integer(g.at("images_per_class"));
    c.generate.sampler = g.at("sampler").get<std::string>();
    c.generate.steps = integer(g.at("steps"));
    c.generate.guidanceScale = g.at("guidance_scale").get<double>();
    c.generate.batchSize = integer(g.at("batch_size"));

    const json &e = j.at("export");
    c.exports.classFolders = e.at("class_folders").get<bool>();
    c.exports.referenceLayout = e.at("reference_layout").get<bool>();
    c.exports.arrays = e.at("arrays").get<bool>();
    c.exports.npz = e.at("npz").get<bool>();
    c.exports.lora = e.at("lora").get<bool>();
    c.exports.report = e.at("report").get<bool>();
    return c;
}

bool oneOf(const std::string &value, std::initializer_list<const char *> allowed)
{
    for (const char *option : allowed) {
        if (value == option) {
            return true;
        }
    }
    return false;
}

bool positiveFinite(double value)
{
    return value > 0.0 && std::isfinite(value);
}

} // namespace

std::string variantName(RunVariant variant)
{
    switch (variant) {
    case RunVariant::DpSapf: return "dp-sapf";
    case RunVariant::DpLora: return "dp-lora";
    case RunVariant::Random: return "random";
    case RunVariant::LayerLevel: return "layer-level";
    case RunVariant::NoLora: return "no-lora";
    case RunVariant::AllParameters: return "all-parameters";
    }
    return "dp-sapf";
}

Expected<RunVariant> parseVariant(const std::string &name)
{
    for (RunVariant variant :
         {RunVariant::DpSapf, RunVariant::DpLora, RunVariant::Random, RunVariant::LayerLevel,
          RunVariant::NoLora, RunVariant::AllParameters}) {
        if (variantName(variant) == name) {
            return variant;
        }
    }
    return fieldError("variant", "\"" + name +
                                     "\" is not one of dp-sapf, dp-lora, random, layer-level, "
                                     "no-lora, all-parameters");
}

bool variantRunsProbe(RunVariant variant)
{
    return variant == RunVariant::DpSapf || variant == RunVariant::LayerLevel ||
           variant == RunVariant::NoLora || variant == RunVariant::AllParameters;
}

std::int64_t LoraSettings::rankFor(char letter) const
{
    std::int64_t specific = 0;
    switch (letter) {
    case 'q': specific = rankQ; break;
    case 'k': specific = rankK; break;
    case 'v': specific = rankV; break;
    default: specific = rankOut; break;
    }
    return specific > 0 ? specific : rank;
}

double defaultDelta(std::int64_t trainRecords)
{
    const auto n = static_cast<double>(trainRecords);
    return 1.0 / (n * std::log(n));
}

nlohmann::json RunConfig::toJson() const
{
    return json{
        {"name", name},
        {"variant", variantName(variant)},
        {"seed", seed},
        {"device", device},
        {"model_path", modelPath},
        {"charge_probe", chargeProbe},
        {"compare_variants", compareVariants},
        {"dataset",
         {{"kind", dataset.kind},
          {"path", dataset.path},
          {"labels_path", dataset.labelsPath},
          {"class_names", dataset.classNames},
          {"train_size", dataset.trainSize},
          {"split_seed", dataset.splitSeed},
          {"limit", dataset.limit},
          {"bad_files", dataset.badFiles}}},
        {"privacy",
         {{"epsilon", privacy.epsilon},
          {"delta", privacy.delta},
          {"accountant", privacy.accountant},
          {"noise", privacy.noise}}},
        {"probe",
         {{"sample_size", probe.sampleSize},
          {"noise_multiplier", probe.noiseMultiplier},
          {"clip_norm", probe.clipNorm},
          {"micro_batch_size", probe.microBatchSize}}},
        {"selection", {{"ratio", selection.ratio}}},
        {"lora",
         {{"rank", lora.rank},
          {"alpha", lora.alpha},
          {"rank_q", lora.rankQ},
          {"rank_k", lora.rankK},
          {"rank_v", lora.rankV},
          {"rank_out", lora.rankOut}}},
        {"train",
         {{"steps", train.steps},
          {"batch_size", train.batchSize},
          {"micro_batch_size", train.microBatchSize},
          {"learning_rate", train.learningRate},
          {"embedding_learning_rate", train.embeddingLearningRate},
          {"weight_decay", train.weightDecay},
          {"clip_mode", train.clipMode},
          {"max_grad_norm", train.maxGradNorm},
          {"post_clip_norm", train.postClipNorm},
          {"checkpoint_every", train.checkpointEvery},
          {"grid_samples_per_class", train.gridSamplesPerClass},
          {"class_token_init", train.classTokenInit}}},
        {"generate",
         {{"images_per_class", generate.imagesPerClass},
          {"sampler", generate.sampler},
          {"steps", generate.steps},
          {"guidance_scale", generate.guidanceScale},
          {"batch_size", generate.batchSize}}},
        {"export",
         {{"class_folders", exports.classFolders},
          {"reference_layout", exports.referenceLayout},
          {"arrays", exports.arrays},
          {"npz", exports.npz},
          {"lora", exports.lora},
          {"report", exports.report}}},
    };
}

Expected<RunConfig> runConfigFromJson(const nlohmann::json &given, const RunConfig &base)
{
    const json defaults = RunConfig{}.toJson();
    if (auto ok = checkAgainstSchema(given, defaults, ""); !ok) {
        return ok.error();
    }
    json merged = base.toJson();
    merged.merge_patch(given);
    try {
        return readComplete(merged);
    } catch (const json::exception &error) {
        return makeError(ErrorCode::InvalidArgument, std::string("config: ") + error.what());
    }
}

Expected<RunConfig> applyOverride(const RunConfig &config, const std::string &assignment)
{
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
        return makeError(ErrorCode::InvalidArgument,
                         "--set " + assignment + ": expected key=value, e.g. privacy.epsilon=5");
    }
    const std::string key = assignment.substr(0, equals);
    const std::string text = assignment.substr(equals + 1);
    json value = json::parse(text, nullptr, false);
    if (value.is_discarded()) {
        value = text;
    }
    json patch = value;
    std::string::size_type end = key.size();
    while (true) {
        const auto dot = key.rfind('.', end - 1);
        const std::string part = key.substr(dot == std::string::npos ? 0 : dot + 1,
                                            end - (dot == std::string::npos ? 0 : dot + 1));
        if (part.empty()) {
            return makeError(ErrorCode::InvalidArgument, "--set " + key + ": empty key part");
        }
        patch = json{{part, patch}};
        if (dot == std::string::npos) {
            break;
        }
        end = dot;
    }
    return runConfigFromJson(patch, config);
}

Expected<bool> RunConfig::validate() const
{
    if (!oneOf(device, {"cpu", "cuda", "auto"})) {
        return fieldError("device", "must be cpu, cuda or auto");
    }
    for (const auto &name : compareVariants) {
        if (auto parsed = parseVariant(name); !parsed) {
            return fieldError("compare_variants", parsed.error().message);
        }
    }
    if (!oneOf(dataset.kind, {"fashion-mnist", "idx", "folder", "npy", "npz", "zip"})) {
        return fieldError("dataset.kind", "must be fashion-mnist, idx, folder, npy, npz or zip");
    }
    if (dataset.kind != "fashion-mnist" && dataset.path.empty()) {
        return fieldError("dataset.path", "is required for a " + dataset.kind + " dataset");
    }
    if (dataset.trainSize < 0) {
        return fieldError("dataset.train_size", "must be >= 0 (0 = all but a twelfth)");
    }
    if (dataset.limit < 0) {
        return fieldError("dataset.limit", "must be >= 0 (0 = all)");
    }
    if (!oneOf(dataset.badFiles, {"fail", "skip"})) {
        return fieldError("dataset.bad_files", "must be fail or skip");
    }
    if (!positiveFinite(privacy.epsilon)) {
        return fieldError("privacy.epsilon", "must be > 0");
    }
    if (!(privacy.delta >= 0.0 && privacy.delta < 1.0)) {
        return fieldError("privacy.delta", "must lie in [0, 1) (0 = 1/(N ln N))");
    }
    if (!oneOf(privacy.accountant, {"prv", "rdp"})) {
        return fieldError("privacy.accountant", "must be prv or rdp");
    }
    if (!oneOf(privacy.noise, {"reproducible", "secure"})) {
        return fieldError("privacy.noise", "must be reproducible or secure");
    }
    if (probe.sampleSize < 1) {
        return fieldError("probe.sample_size", "must be >= 1");
    }
    if (!positiveFinite(probe.noiseMultiplier)) {
        return fieldError("probe.noise_multiplier", "must be > 0");
    }
    if (!positiveFinite(probe.clipNorm)) {
        return fieldError("probe.clip_norm", "must be > 0");
    }
    if (probe.microBatchSize < 1) {
        return fieldError("probe.micro_batch_size", "must be >= 1");
    }
    if (!(selection.ratio > 0.0 && selection.ratio <= 1.0)) {
        return fieldError("selection.ratio", "must lie in (0, 1]");
    }
    if (lora.rank < 1) {
        return fieldError("lora.rank", "must be >= 1");
    }
    for (auto [key, value] : {std::pair<const char *, std::int64_t>{"lora.rank_q", lora.rankQ},
                              {"lora.rank_k", lora.rankK},
                              {"lora.rank_v", lora.rankV},
                              {"lora.rank_out", lora.rankOut}}) {
        if (value < 0) {
            return fieldError(key, "must be >= 1, or 0 for lora.rank");
        }
    }
    if (!(lora.alpha >= 0.0) || !std::isfinite(lora.alpha)) {
        return fieldError("lora.alpha", "must be > 0, or 0 for the rank");
    }
    if (train.steps < 1) {
        return fieldError("train.steps", "must be >= 1");
    }
    if (train.batchSize < 1) {
        return fieldError("train.batch_size", "must be >= 1");
    }
    if (train.microBatchSize < 1) {
        return fieldError("train.micro_batch_size", "must be >= 1");
    }
    if (!positiveFinite(train.learningRate)) {
        return fieldError("train.learning_rate", "must be > 0");
    }
    if (!(train.embeddingLearningRate >= 0.0) || !std::isfinite(train.embeddingLearningRate)) {
        return fieldError("train.embedding_learning_rate", "must be >= 0 (0 = frozen tokens)");
    }
    if (!(train.weightDecay >= 0.0) || !std::isfinite(train.weightDecay)) {
        return fieldError("train.weight_decay", "must be >= 0");
    }
    if (!oneOf(train.clipMode, {"automatic", "flat"})) {
        return fieldError("train.clip_mode", "must be automatic or flat");
    }
    if (!positiveFinite(train.maxGradNorm)) {
        return fieldError("train.max_grad_norm", "must be > 0");
    }
    if (!(train.postClipNorm >= 0.0) || !std::isfinite(train.postClipNorm)) {
        return fieldError("train.post_clip_norm", "must be >= 0 (0 = off)");
    }
    if (train.checkpointEvery < 1) {
        return fieldError("train.checkpoint_every", "must be >= 1");
    }
    if (train.gridSamplesPerClass < 0) {
        return fieldError("train.grid_samples_per_class", "must be >= 0");
    }
    if (!oneOf(train.classTokenInit, {"public-classes", "null"})) {
        return fieldError("train.class_token_init", "must be public-classes or null");
    }
    if (generate.imagesPerClass < 1) {
        return fieldError("generate.images_per_class", "must be >= 1");
    }
    if (!oneOf(generate.sampler, {"ddim", "dpmpp-2m", "dpmpp-2m-karras"})) {
        return fieldError("generate.sampler", "must be ddim, dpmpp-2m or dpmpp-2m-karras");
    }
    if (generate.steps < 1) {
        return fieldError("generate.steps", "must be >= 1");
    }
    if (!(generate.guidanceScale >= 0.0) || !std::isfinite(generate.guidanceScale)) {
        return fieldError("generate.guidance_scale", "must be >= 0");
    }
    if (generate.batchSize < 1) {
        return fieldError("generate.batch_size", "must be >= 1");
    }
    return true;
}

Expected<bool> RunConfig::validateForDataset(std::int64_t trainRecords) const
{
    if (trainRecords < 2) {
        return fieldError("dataset", "the training split has " + std::to_string(trainRecords) +
                                         " records; DP training needs at least 2");
    }
    if (privacy.delta > 0.0 && privacy.delta >= 1.0 / static_cast<double>(trainRecords)) {
        return fieldError("privacy.delta", "must be < 1/N = " + std::to_string(1.0 / trainRecords) +
                                               " (N = " + std::to_string(trainRecords) +
                                               "): a larger delta allows releasing a whole record");
    }
    if (train.batchSize > trainRecords) {
        return fieldError("train.batch_size",
                          "the expected batch " + std::to_string(train.batchSize) +
                              " exceeds the " + std::to_string(trainRecords) + " training records");
    }
    return true;
}

std::vector<std::string> presetNames()
{
    return {"smoke", "quick", "paper"};
}

Expected<RunConfig> presetConfig(const std::string &name)
{
    RunConfig config;
    config.name = name;
    if (name == "paper") {
        config.device = "auto";
        config.generate.guidanceScale = 7.0;
        config.compareVariants = {"dp-sapf", "dp-lora"};
        return config;
    }
    if (name == "quick") {
        config.compareVariants = {"dp-sapf", "dp-lora"};
        config.probe.sampleSize = 1000;
        config.probe.microBatchSize = 100;
        // Sized for <= 15 minutes for both runs on 2 CPU cores (about 25 records/s per DP step).
        config.train.steps = 25;
        config.train.batchSize = 256;
        config.train.microBatchSize = 128;
        config.train.learningRate = 2e-3;
        config.train.embeddingLearningRate = 2e-2;
        config.train.checkpointEvery = 5;
        config.train.gridSamplesPerClass = 2;
        config.generate.imagesPerClass = 20;
        config.generate.steps = 10;
        config.generate.batchSize = 100;
        return config;
    }
    if (name == "smoke") {
        config.dataset.limit = 240;
        config.probe.sampleSize = 64;
        config.probe.microBatchSize = 32;
        config.train.steps = 4;
        config.train.batchSize = 24;
        config.train.microBatchSize = 16;
        config.train.checkpointEvery = 2;
        config.train.gridSamplesPerClass = 1;
        config.generate.imagesPerClass = 2;
        config.generate.steps = 3;
        config.generate.batchSize = 20;
        return config;
    }
    return makeError(ErrorCode::InvalidArgument,
                     "--preset " + name + ": unknown preset (smoke, quick or paper)");
}

} // namespace dpsapf::core
