// SPDX-License-Identifier: GPL-3.0-or-later
// A run folder summarised for comparison tables (`dpsapf compare`, the GUI's Compare view): read
// from its JSON files only, so it needs no torch and works on any run the CLI or GUI made.
#pragma once

#include "dpsapf/core/expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dpsapf::core {

struct RunSummary {
    std::filesystem::path folder;
    std::string name;
    std::string variant;
    double targetEpsilon = 0.0;
    double delta = 0.0;
    std::optional<double> epsilonPrv; // spent, from ledger.json
    std::optional<double> epsilonRdp;
    double noiseMultiplier = 0.0;
    double sampleRate = 0.0;
    std::int64_t trainRecords = 0;
    std::int64_t selectedMatrices = 0; // 0 until selected
    std::int64_t candidateMatrices = 0;
    std::int64_t trainableParameters = 0;
    std::int64_t stepsDone = 0;
    std::int64_t stepsPlanned = 0;
    bool exported = false;
    std::optional<double> finalLoss; // mean of the last checkpoint interval (not private)
    std::optional<double> fid;       // eval.json when evaluation ran
    std::optional<double> accuracy;

    [[nodiscard]] nlohmann::json toJson() const;
};

[[nodiscard]] Expected<RunSummary> readRunSummary(const std::filesystem::path &runDir);

// A fixed-width text table of the summaries (one column per run).
[[nodiscard]] std::string comparisonTable(const std::vector<RunSummary> &runs);

} // namespace dpsapf::core
