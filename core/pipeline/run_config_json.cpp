// SPDX-License-Identifier: GPL-3.0-or-later
// RunConfig as JSON: writing, strict reading (unknown keys and wrong types name the key) and
// "section.key=value" overrides.
#include "dpsapf/core/run_config.h"

#include <cmath>

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
    c.modelPath = j.at("public_model").get<std::string>();
    c.modelResolution = integer(j.at("model_resolution"));
    c.predictionType = j.at("prediction_type").get<std::string>();
    c.gradientCheckpointing = j.at("gradient_checkpointing").get<std::string>();
    c.frozenPrecision = j.at("frozen_precision").get<std::string>();
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

    const json &pt = j.at("prompts");
    c.prompts.classTemplate = pt.at("template").get<std::string>();
    c.prompts.classPrompts = pt.at("class_prompts").get<std::vector<std::string>>();
    c.prompts.clipSkip = integer(pt.at("clip_skip"));

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

    const json &v = j.at("eval");
    c.eval.live = v.at("live").get<bool>();
    c.eval.liveEvery = integer(v.at("live_every"));
    c.eval.liveImagesPerClass = integer(v.at("live_images_per_class"));
    c.eval.liveProxyRecords = integer(v.at("live_proxy_records"));
    c.eval.liveReferenceRecords = integer(v.at("live_reference_records"));
    c.eval.liveMaxCost = v.at("live_max_cost").get<double>();
    return c;
}
} // namespace

nlohmann::json RunConfig::toJson() const
{
    return json{
        {"name", name},
        {"variant", variantName(variant)},
        {"seed", seed},
        {"device", device},
        {"public_model", modelPath},
        {"model_resolution", modelResolution},
        {"prediction_type", predictionType},
        {"gradient_checkpointing", gradientCheckpointing},
        {"frozen_precision", frozenPrecision},
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
        {"prompts",
         {{"template", prompts.classTemplate},
          {"class_prompts", prompts.classPrompts},
          {"clip_skip", prompts.clipSkip}}},
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
        {"eval",
         {{"live", eval.live},
          {"live_every", eval.liveEvery},
          {"live_images_per_class", eval.liveImagesPerClass},
          {"live_proxy_records", eval.liveProxyRecords},
          {"live_reference_records", eval.liveReferenceRecords},
          {"live_max_cost", eval.liveMaxCost}}},
    };
}

Expected<RunConfig> runConfigFromJson(const nlohmann::json &original, const RunConfig &base)
{
    // "model_path" was the public model's key before Stable Diffusion support; still read.
    json given = original;
    if (given.is_object() && given.contains("model_path") && !given.contains("public_model")) {
        given["public_model"] = given["model_path"];
        given.erase("model_path");
    }
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

} // namespace dpsapf::core
