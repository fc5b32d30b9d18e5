// SPDX-License-Identifier: GPL-3.0-or-later
// What every pipeline stage needs: the run's config and resolved plan (config.json), its paths,
// the sensitive data (loaded once, on demand), a fresh copy of the public model, derived seeds,
// and the event callback.
#pragma once

#include "dpsapf/core/privacy_accountant.h"
#include "dpsapf/core/run_layout.h"
#include "dpsapf/core/run_pipeline.h"
#include "pipeline/public_model.h"
#include "pipeline/sensitive_data.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dpsapf::core {

// Values derived at prepare time and fixed for the run (config.json "resolved").
struct ResolvedPlan {
    std::int64_t trainRecords = 0;
    std::int64_t validationRecords = 0;
    std::vector<std::string> classNames;
    std::string datasetFingerprint;
    std::string datasetDescription;
    std::int64_t nativeWidth = 0, nativeHeight = 0, nativeChannels = 0;
    double delta = 0.0;
    std::string deltaRule;        // "1/(N ln N)" or "fixed"
    bool probeCharged = false;    // the history starts with (sigma_s, q_s, 1)
    double probeSampleRate = 0.0; // q_s
    double sampleRate = 0.0;      // q = B / N
    double noiseMultiplier = 0.0; // sigma, calibrated
    double calibratedEpsilon = 0.0;
    std::string modelFolder;
    std::int64_t modelImageSize = 0, modelChannels = 0;
    bool modelLatent = false;              // a Stable Diffusion (latent-space) model
    std::vector<std::string> classPrompts; // latent-space models: p(y) per class
    std::string softwareVersion;

    [[nodiscard]] nlohmann::json toJson() const;
    [[nodiscard]] static Expected<ResolvedPlan> fromJson(const nlohmann::json &json);
};

class RunContext
{
public:
    [[nodiscard]] static Expected<std::unique_ptr<RunContext>>
    open(const std::filesystem::path &runDir, RunControl *control, RunEventCallback events);

    const RunConfig config;
    const ResolvedPlan plan;
    const RunPaths paths;

    [[nodiscard]] Expected<const SensitiveData *> data();
    // data(), plus the VAE posterior of every record when `model` is a latent-space model
    // (encoded once, kept in memory).
    [[nodiscard]] Expected<const SensitiveData *> trainingData(const PublicModel &model);
    [[nodiscard]] Expected<PublicModel> loadModel() const;
    [[nodiscard]] AccountantKind accountant() const;
    // An independent 64-bit seed per named stream (and index), all derived from config.seed.
    [[nodiscard]] std::uint64_t seed(const std::string &stream, std::uint64_t index = 0) const;

    void emit(RunEvent event) const;
    void message(RunStage stage, const std::string &text) const;
    [[nodiscard]] bool stopNow() const;
    [[nodiscard]] bool stopAfterCheckpoint() const;
    [[nodiscard]] bool paused() const;
    [[nodiscard]] const std::atomic<bool> *stopFlag() const
    {
        return m_control != nullptr ? &m_control->stopNow : nullptr;
    }

private:
    RunContext(RunConfig config, ResolvedPlan plan, RunPaths paths, RunControl *control,
               RunEventCallback events);

    RunControl *m_control = nullptr;
    RunEventCallback m_events;
    std::optional<SensitiveData> m_data;
};

[[nodiscard]] std::uint64_t deriveSeed(std::uint64_t seed, const std::string &stream,
                                       std::uint64_t index = 0);
[[nodiscard]] Expected<bool> writeJsonFile(const std::filesystem::path &path,
                                           const nlohmann::json &json);
[[nodiscard]] Expected<nlohmann::json> readJsonFile(const std::filesystem::path &path);

} // namespace dpsapf::core
