// SPDX-License-Identifier: GPL-3.0-or-later
// The privacy ledger of a run: every private release (saliency probe, DP-SGD steps) as an event,
// a budget cap that training can never exceed, epsilon under both accountants, and atomic
// persistence in ledger.json (privacy-accounting.md §1, method.md §11).
#pragma once

#include "dpsapf/core/expected.h"
#include "dpsapf/core/privacy_accountant.h"
#include "dpsapf/core/privacy_history.h"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace dpsapf::core {

struct LedgerEntry {
    std::string kind;       // "probe" or "dp-sgd"
    PrivacyEvent mechanism; // (noise multiplier, sample rate, count)
    std::string
        sensitivity; // what the noise is scaled to, e.g. "C^2 = 1 (joint clip of the probe)"
};

struct LedgerConfig {
    double delta = 0.0;
    double epsilonCap = 0.0;                            // the target; never exceeded
    AccountantKind capAccountant = AccountantKind::Prv; // the accountant that enforces the cap

    [[nodiscard]] Expected<bool> validate() const;
};

class PrivacyLedger
{
public:
    explicit PrivacyLedger(LedgerConfig config); // config must be valid

    [[nodiscard]] const LedgerConfig &config() const { return m_config; }
    [[nodiscard]] const std::vector<LedgerEntry> &entries() const { return m_entries; }
    [[nodiscard]] PrivacyHistory history() const;

    // Records a release if the cap still holds afterwards; otherwise refuses and records nothing.
    // Adjacent releases with the same kind and mechanism parameters are merged (counts add).
    // Releases covered by a reservation are recorded without re-running the accountant.
    [[nodiscard]] Expected<bool> record(const LedgerEntry &entry);

    // Computes how many more releases of `mechanism` (a count of 1 each) fit under the cap, up to
    // `limit`, and reserves them: training asks once, records each step cheaply, and stops before
    // the step that would exceed the cap.
    [[nodiscard]] Expected<std::int64_t> reserveReleases(const PrivacyEvent &mechanism,
                                                         std::int64_t limit);

    // Epsilon spent so far under one accountant (PRV failures fall back to RDP, flagged).
    [[nodiscard]] Expected<EpsilonReport> epsilon(AccountantKind accountant) const;

    [[nodiscard]] nlohmann::json toJson() const;
    [[nodiscard]] static Expected<PrivacyLedger> fromJson(const nlohmann::json &json);

    // ledger.json, written atomically; a failed write leaves the previous file intact.
    [[nodiscard]] Expected<bool> save(const std::filesystem::path &path) const;
    [[nodiscard]] static Expected<PrivacyLedger> load(const std::filesystem::path &path);

private:
    [[nodiscard]] Expected<bool> fitsUnderCap(const PrivacyHistory &history) const;

    struct Reservation {
        PrivacyEvent mechanism;
        std::int64_t remaining = 0;
    };

    LedgerConfig m_config;
    std::vector<LedgerEntry> m_entries;
    Reservation m_reservation; // not persisted; recomputed after a resume
};

} // namespace dpsapf::core
