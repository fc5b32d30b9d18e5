// SPDX-License-Identifier: GPL-3.0-or-later
// DDPM noise schedule and scheduler settings shared by training and the samplers (Ho et al. 2020;
// diffusers scheduler_config.json semantics, sd-format.md §7).
#pragma once

#include "dpsapf/core/expected.h"

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

#include <optional>
#include <string>

namespace dpsapf::core {

enum class BetaSchedule { Linear, ScaledLinear };
enum class PredictionType { Epsilon, VPrediction };
enum class TimestepSpacing { Leading, Trailing, Linspace };

struct SchedulerConfig {
    std::int64_t numTrainTimesteps = 1000;
    double betaStart = 0.00085;
    double betaEnd = 0.012;
    BetaSchedule betaSchedule = BetaSchedule::ScaledLinear;
    PredictionType predictionType = PredictionType::Epsilon;
    std::int64_t stepsOffset = 1;
    bool setAlphaToOne = false;
    // Unset means "the sampler's own default" (DDIM: leading, DPM-Solver: linspace), as diffusers
    // does when a config only had the spacing as a class default (sd-format.md §7).
    std::optional<TimestepSpacing> timestepSpacing;

    [[nodiscard]] Expected<bool> validate() const;
    // From a diffusers scheduler_config.json; `timestep_spacing` is kept only when present.
    [[nodiscard]] static Expected<SchedulerConfig> fromJson(const nlohmann::json &json);
    [[nodiscard]] nlohmann::json toJson() const;
};

[[nodiscard]] std::string timestepSpacingName(TimestepSpacing spacing);

// alpha-bar_t for t = 0..T-1 (float32, computed as diffusers does).
[[nodiscard]] torch::Tensor alphasCumprod(const SchedulerConfig &config);

} // namespace dpsapf::core
