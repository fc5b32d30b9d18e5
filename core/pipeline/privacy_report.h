// SPDX-License-Identifier: GPL-3.0-or-later
// The privacy report a custodian hands over with the synthetic data: the guarantee (epsilon under
// each accountant, delta and its rule), every mechanism with its parameters, the inputs that
// identify the run (dataset fingerprint, seeds, software version) and, in plain words, what the
// guarantee covers and what it does not.
#pragma once

#include "pipeline/run_context.h"

#include <nlohmann/json.hpp>

#include <string>

namespace dpsapf::core {

[[nodiscard]] Expected<nlohmann::json> buildPrivacyReport(const RunContext &run);
[[nodiscard]] std::string renderPrivacyReport(const nlohmann::json &report);

} // namespace dpsapf::core
