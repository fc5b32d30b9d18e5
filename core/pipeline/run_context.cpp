// SPDX-License-Identifier: GPL-3.0-or-later
// The shared state of the pipeline stages.
#include "pipeline/run_context.h"

#include "pipeline/training_memory.h"

#include "dpsapf/core/atomic_file.h"
#include "dpsapf/core/logging.h"
#include "io/lenient_json.h"
#include "util/compute_device.h"

#include <fmt/format.h>

namespace dpsapf::core {

namespace fs = std::filesystem;

fs::path RunPaths::sampleGrid(std::int64_t step) const
{
    return samples() / fmt::format("step_{:06d}.png", step);
}

std::uint64_t deriveSeed(std::uint64_t seed, const std::string &stream, std::uint64_t index)
{
    // FNV-1a of the stream name, mixed with the seed and index by splitmix64 finalisers.
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : stream) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    }
    const auto mix = [](std::uint64_t z) {
        z += 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    };
    return mix(mix(mix(seed) ^ hash) ^ index);
}

Expected<bool> writeJsonFile(const fs::path &path, const nlohmann::json &json)
{
    return writeFileAtomically(path, json.dump(2) + "\n");
}

Expected<nlohmann::json> readJsonFile(const fs::path &path)
{
    return readLenientJson(path);
}

nlohmann::json ResolvedPlan::toJson() const
{
    return {{"train_records", trainRecords},
            {"validation_records", validationRecords},
            {"class_names", classNames},
            {"dataset_fingerprint", datasetFingerprint},
            {"dataset_description", datasetDescription},
            {"native_size", {nativeWidth, nativeHeight, nativeChannels}},
            {"delta", delta},
            {"delta_rule", deltaRule},
            {"probe_charged", probeCharged},
            {"probe_sample_rate", probeSampleRate},
            {"sample_rate", sampleRate},
            {"noise_multiplier", noiseMultiplier},
            {"calibrated_epsilon", calibratedEpsilon},
            {"model_folder", modelFolder},
            {"model_image_size", modelImageSize},
            {"model_channels", modelChannels},
            {"software_version", softwareVersion},
            {"model_latent", modelLatent},
            {"class_prompts", classPrompts}};
}

Expected<ResolvedPlan> ResolvedPlan::fromJson(const nlohmann::json &json)
{
    ResolvedPlan plan;
    try {
        plan.trainRecords = json.at("train_records").get<std::int64_t>();
        plan.validationRecords = json.at("validation_records").get<std::int64_t>();
        plan.classNames = json.at("class_names").get<std::vector<std::string>>();
        plan.datasetFingerprint = json.at("dataset_fingerprint").get<std::string>();
        plan.datasetDescription = json.at("dataset_description").get<std::string>();
        const auto native = json.at("native_size").get<std::vector<std::int64_t>>();
        if (native.size() != 3) {
            return makeError(ErrorCode::Format, "resolved.native_size: expected [w, h, c]");
        }
        plan.nativeWidth = native[0];
        plan.nativeHeight = native[1];
        plan.nativeChannels = native[2];
        plan.delta = json.at("delta").get<double>();
        plan.deltaRule = json.at("delta_rule").get<std::string>();
        plan.probeCharged = json.at("probe_charged").get<bool>();
        plan.probeSampleRate = json.at("probe_sample_rate").get<double>();
        plan.sampleRate = json.at("sample_rate").get<double>();
        plan.noiseMultiplier = json.at("noise_multiplier").get<double>();
        plan.calibratedEpsilon = json.at("calibrated_epsilon").get<double>();
        plan.modelFolder = json.at("model_folder").get<std::string>();
        plan.modelImageSize = json.at("model_image_size").get<std::int64_t>();
        plan.modelChannels = json.at("model_channels").get<std::int64_t>();
        plan.softwareVersion = json.value("software_version", std::string());
        plan.modelLatent = json.value("model_latent", false);
        plan.classPrompts = json.value("class_prompts", std::vector<std::string>());
    } catch (const nlohmann::json::exception &error) {
        return makeError(ErrorCode::Format, std::string("resolved: ") + error.what());
    }
    return plan;
}

RunContext::RunContext(RunConfig config, ResolvedPlan plan, RunPaths paths, RunControl *control,
                       RunEventCallback events)
    : config(std::move(config))
    , plan(std::move(plan))
    , paths(std::move(paths))
    , m_control(control)
    , m_events(std::move(events))
{}

Expected<std::unique_ptr<RunContext>> RunContext::open(const fs::path &runDir, RunControl *control,
                                                       RunEventCallback events)
{
    RunPaths paths{runDir};
    Expected<nlohmann::json> json = readJsonFile(paths.config());
    if (!json) {
        return makeError(json.error().code, json.error().message + " (not a prepared run folder)");
    }
    if (!json->is_object() || !json->contains("config") || !json->contains("resolved")) {
        return makeError(ErrorCode::Format,
                         paths.config().string() + ": expected \"config\" and \"resolved\"");
    }
    Expected<RunConfig> config = runConfigFromJson(json->at("config"));
    if (!config) {
        return makeError(ErrorCode::Format,
                         paths.config().string() + ": " + config.error().message);
    }
    Expected<ResolvedPlan> plan = ResolvedPlan::fromJson(json->at("resolved"));
    if (!plan) {
        return makeError(ErrorCode::Format, paths.config().string() + ": " + plan.error().message);
    }
    return std::unique_ptr<RunContext>(new RunContext(
        std::move(config).value(), std::move(plan).value(), paths, control, std::move(events)));
}

Expected<const SensitiveData *> RunContext::data()
{
    if (!m_data) {
        Expected<SensitiveData> loaded =
            loadSensitiveData(config.dataset, plan.modelImageSize, plan.modelChannels);
        if (!loaded) {
            return loaded.error();
        }
        if (loaded->fingerprint != plan.datasetFingerprint) {
            return makeError(ErrorCode::InvalidArgument,
                             "dataset: the data at " + config.dataset.path +
                                 " changed since the run was prepared (fingerprint " +
                                 loaded->fingerprint + ", expected " + plan.datasetFingerprint +
                                 ")");
        }
        m_data = std::move(loaded).value();
    }
    return &*m_data;
}

Expected<const SensitiveData *> RunContext::trainingData(const PublicModel &model)
{
    Expected<const SensitiveData *> loaded = data();
    if (!loaded) {
        return loaded;
    }
    if (auto encoded = encodeLatentPosteriors(*m_data, model, stopFlag()); !encoded) {
        return encoded.error();
    }
    return &*m_data;
}

Expected<PublicModel> RunContext::loadModel() const
{
    Expected<PublicModel> model = loadPublicModel(plan.modelFolder);
    if (!model) {
        return model;
    }
    if (auto set = setTrainingResolution(model.value(), plan.modelImageSize); !set) {
        return set.error();
    }
    if (auto set = setPredictionType(model.value(), config.predictionType, "prediction_type");
        !set) {
        return set.error();
    }
    Expected<torch::Device> device = resolveComputeDevice(config.device, "device");
    if (!device) {
        return device.error();
    }
    if (model->isLatent()) {
        moveStableDiffusion(*model.value().sd, device.value());
    } else {
        model.value().unet->to(device.value());
        model.value().conditioner->to(device.value());
    }
    if (auto applied = applyTrainingMemorySettings(model.value(), config.gradientCheckpointing,
                                                   config.frozenPrecision, device.value());
        !applied) {
        return applied.error();
    }
    return model;
}

AccountantKind RunContext::accountant() const
{
    return parseAccountant(config.privacy.accountant).value_or(AccountantKind::Prv);
}

std::uint64_t RunContext::seed(const std::string &stream, std::uint64_t index) const
{
    return deriveSeed(config.seed, stream, index);
}

void RunContext::emit(RunEvent event) const
{
    if (m_events) {
        m_events(event);
    }
}

void RunContext::message(RunStage stage, const std::string &text) const
{
    logger(LogChannel::App)->info("{}: {}", stageName(stage), text);
    RunEvent event;
    event.kind = RunEvent::Kind::Message;
    event.stage = stage;
    event.message = text;
    emit(event);
}

bool RunContext::stopNow() const
{
    return m_control != nullptr && m_control->stopNow.load();
}

bool RunContext::stopAfterCheckpoint() const
{
    return m_control != nullptr && m_control->stopAfterCheckpoint.load();
}

bool RunContext::paused() const
{
    return m_control != nullptr && m_control->paused.load();
}

} // namespace dpsapf::core
