// SPDX-License-Identifier: GPL-3.0-or-later
// PRV accountant (Gopi, Lee, Wutschitz 2021, "Numerical composition of differential privacy") for
// histories of Poisson-subsampled Gaussian mechanisms, with Opacus' conventions (accounting §3).
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/privacy_history.h"

#include <cstdint>

namespace dpsapf::core {

struct PrvOptions {
    double epsError = 0.01;  // eps_error: the mesh is chosen so that epsilon is within this
    double deltaError = 0.0; // delta_error; 0 means delta / 1000
};

struct PrvEpsilon {
    double lower = 0.0;    // eps(delta + deltaError) - epsError
    double estimate = 0.0; // eps(delta) of the discretised distribution
    double upper = 0.0; // eps(delta - deltaError) + epsError: the guarantee (what Opacus returns)
    double meshSize = 0.0;     // grid spacing of the discretisation
    std::int64_t gridSize = 0; // number of grid points (even)
};

// (epsilon, delta) of a history. Invalid input gives InvalidArgument naming the field; an empty
// history (after dropping q = 0 and count = 0 events) gives zeros; an event with noise multiplier 0
// gives +inf. Numerical failures (mean correction, "cannot compute epsilon", floating-point
// limits) come back as NumericalFailure, so the caller can fall back to RDP.
[[nodiscard]] Expected<PrvEpsilon> prvEpsilon(const PrivacyHistory &history, double delta,
                                              const PrvOptions &options = {});

} // namespace dpsapf::core
