// SPDX-License-Identifier: GPL-3.0-or-later
// The fixed class prompts p(y) that condition a latent-space model (method.md §2): given per
// class, the paper's tables for Fashion-MNIST / CIFAR-10 / MNIST class names, or a template.
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/run_config.h"

#include <string>
#include <vector>

namespace dpsapf::core {

// One prompt per class, in label order. Errors name `prompts.class_prompts`.
[[nodiscard]] Expected<std::vector<std::string>>
resolveClassPrompts(const PromptSettings &settings, const std::vector<std::string> &classNames);

} // namespace dpsapf::core
