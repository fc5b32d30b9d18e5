// SPDX-License-Identifier: GPL-3.0-or-later
// The privacy plan of a run before any private data is read: delta and its rule, the sampling
// rates, the DP-SGD noise multiplier calibrated over probe + training, and epsilon of the probe
// alone and of the whole history under both accountants (what the GUI's privacy panel and the
// run's prepare stage show). Torch-free.
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/privacy_accountant.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dpsapf::core {

struct PrivacyPlanRequest {
    std::int64_t trainRecords = 0; // N
    double targetEpsilon = 10.0;
    double delta = 0.0; // 0 = 1/(N ln N)
    bool chargeProbe = true;
    std::int64_t probeSampleSize = 50000; // q_s = min(1, n_probe / N)
    double probeNoiseMultiplier = 5.0;
    std::int64_t batchSize = 4096; // expected B; q = B / N
    std::int64_t steps = 1000;
    AccountantKind accountant = AccountantKind::Prv;
    bool withBreakdown = false; // also epsilon of the probe alone and the RDP total (slower)
};

struct PrivacyPlan {
    double delta = 0.0;
    std::string deltaRule; // "1/(N ln N)" or "fixed"
    double sampleRate = 0.0;
    double probeSampleRate = 0.0; // 0 without a probe charge
    double noiseMultiplier = 0.0; // calibrated sigma
    double calibratedEpsilon = 0.0;
    // withBreakdown only:
    std::optional<EpsilonReport> probeOnlyPrv, probeOnlyRdp, totalRdp;
    std::vector<std::string> warnings; // plain-language cautions (large epsilon, ...)
};

// Errors name the config key ("privacy.delta: ...", "privacy.epsilon: budget too low for the
// probe ...").
[[nodiscard]] Expected<PrivacyPlan> planPrivacy(const PrivacyPlanRequest &request);

} // namespace dpsapf::core
