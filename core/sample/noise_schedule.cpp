// SPDX-License-Identifier: GPL-3.0-or-later
// DDPM noise schedule and scheduler settings.
#include "sample/noise_schedule.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>

namespace dpsapf::core {

Expected<bool> SchedulerConfig::validate() const
{
    if (numTrainTimesteps < 2) {
        return makeError(ErrorCode::InvalidArgument,
                         "scheduler: 'num_train_timesteps' must be >= 2");
    }
    if (!(betaStart > 0.0 && betaEnd > betaStart && betaEnd < 1.0)) {
        return makeError(ErrorCode::InvalidArgument,
                         "scheduler: need 0 < 'beta_start' < 'beta_end' < 1");
    }
    if (stepsOffset < 0) {
        return makeError(ErrorCode::InvalidArgument, "scheduler: 'steps_offset' must be >= 0");
    }
    return true;
}

Expected<SchedulerConfig> SchedulerConfig::fromJson(const nlohmann::json &json)
{
    SchedulerConfig config;
    try {
        config.numTrainTimesteps = json.value("num_train_timesteps", config.numTrainTimesteps);
        config.betaStart = json.value("beta_start", config.betaStart);
        config.betaEnd = json.value("beta_end", config.betaEnd);
        const std::string schedule = json.value("beta_schedule", std::string("scaled_linear"));
        if (schedule == "linear") {
            config.betaSchedule = BetaSchedule::Linear;
        } else if (schedule == "scaled_linear") {
            config.betaSchedule = BetaSchedule::ScaledLinear;
        } else {
            return makeError(ErrorCode::InvalidArgument,
                             "scheduler: unsupported 'beta_schedule' " + schedule);
        }
        const std::string prediction = json.value("prediction_type", std::string("epsilon"));
        if (prediction == "epsilon") {
            config.predictionType = PredictionType::Epsilon;
        } else if (prediction == "v_prediction") {
            config.predictionType = PredictionType::VPrediction;
        } else {
            return makeError(ErrorCode::InvalidArgument,
                             "scheduler: unsupported 'prediction_type' " + prediction);
        }
        config.stepsOffset = json.value("steps_offset", config.stepsOffset);
        config.setAlphaToOne = json.value("set_alpha_to_one", config.setAlphaToOne);
        if (json.contains("timestep_spacing") && json["timestep_spacing"].is_string()) {
            const std::string spacing = json["timestep_spacing"].get<std::string>();
            if (spacing == "leading") {
                config.timestepSpacing = TimestepSpacing::Leading;
            } else if (spacing == "trailing") {
                config.timestepSpacing = TimestepSpacing::Trailing;
            } else if (spacing == "linspace") {
                config.timestepSpacing = TimestepSpacing::Linspace;
            } else {
                return makeError(ErrorCode::InvalidArgument,
                                 "scheduler: unsupported 'timestep_spacing' " + spacing);
            }
        }
        if (json.contains("trained_betas") && !json["trained_betas"].is_null()) {
            return makeError(ErrorCode::InvalidArgument,
                             "scheduler: 'trained_betas' is not supported");
        }
    } catch (const nlohmann::json::exception &error) {
        return makeError(ErrorCode::Format, std::string("scheduler config: ") + error.what());
    }
    if (auto valid = config.validate(); !valid) {
        return valid.error();
    }
    return config;
}

std::string timestepSpacingName(TimestepSpacing spacing)
{
    switch (spacing) {
    case TimestepSpacing::Leading: return "leading";
    case TimestepSpacing::Trailing: return "trailing";
    case TimestepSpacing::Linspace: return "linspace";
    }
    return "leading";
}

nlohmann::json SchedulerConfig::toJson() const
{
    nlohmann::json json{
        {"num_train_timesteps", numTrainTimesteps},
        {"beta_start", betaStart},
        {"beta_end", betaEnd},
        {"beta_schedule", betaSchedule == BetaSchedule::Linear ? "linear" : "scaled_linear"},
        {"prediction_type", predictionType == PredictionType::Epsilon ? "epsilon" : "v_prediction"},
        {"steps_offset", stepsOffset},
        {"set_alpha_to_one", setAlphaToOne}};
    if (timestepSpacing) {
        json["timestep_spacing"] = timestepSpacingName(*timestepSpacing);
    }
    return json;
}

torch::Tensor alphasCumprod(const SchedulerConfig &config)
{
    const auto options = torch::TensorOptions().dtype(torch::kFloat32);
    const torch::Tensor betas =
        config.betaSchedule == BetaSchedule::Linear
            ? torch::linspace(config.betaStart, config.betaEnd, config.numTrainTimesteps, options)
            : torch::linspace(std::sqrt(config.betaStart), std::sqrt(config.betaEnd),
                              config.numTrainTimesteps, options)
                  .pow(2);
    return torch::cumprod(1.0 - betas, 0);
}

} // namespace dpsapf::core
