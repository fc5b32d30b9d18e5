// SPDX-License-Identifier: GPL-3.0-or-later
// The privacy view's derived values from public quantities only (N, the budget, the model's matrix
// shapes, this computer's measured speed): core::planPrivacy for delta, rates, the calibrated sigma
// and the probe's epsilon, plus trainable parameters and runtime. Blocking (PRV calibration takes
// seconds): run it with QtConcurrent.
#pragma once

#include "dpsapf/core/model_summary.h"
#include "panels/privacy_panel.h"

#include <optional>

namespace dpsapf::app {

// Seconds per micro-batch of 64 for a DP-SGD step and for the probe, measured on this computer
// with core::benchmarkDpStep, and the process's peak memory then.
struct MeasuredSpeed {
    double dpStepSeconds = 0.0;
    double probeSeconds = 0.0;
    double peakMemoryMb = 0.0;
    int threads = 0;
    double gmacPerImage = 0.0; // analytic forward cost of the model the speed test ran
};

[[nodiscard]] std::optional<MeasuredSpeed> measureSpeed(QString *error);

struct PreviewRequest {
    ui::PrivacyInputs inputs;
    qint64 trainRecords = 0;
    std::optional<core::ModelSummary> model;
    std::optional<MeasuredSpeed> speed;
    qint64 loraRank = 4;
    qint64 microBatch = 64;
    bool final = false; // false: RDP only (fast); true: calibrate with PRV and the breakdown
};

[[nodiscard]] ui::PrivacyPreview computePrivacyPreview(const PreviewRequest &request);

} // namespace dpsapf::app
