// SPDX-License-Identifier: GPL-3.0-or-later
// The device a job runs on, from the user's choice: "cpu", "cuda" (refused with the reason when
// this build or machine has no CUDA device) or "auto" (CUDA when present, else the CPU).
#pragma once

#include "dpsapf/core/expected.h"

#include <torch/types.h>

#include <string>

namespace dpsapf::core {

// `what` names the setting in messages ("--device", "device").
[[nodiscard]] Expected<torch::Device> resolveComputeDevice(const std::string &choice,
                                                           const std::string &what);

} // namespace dpsapf::core
