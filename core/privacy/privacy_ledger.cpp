// SPDX-License-Identifier: GPL-3.0-or-later
// The privacy ledger: recorded releases, the epsilon cap, both accountants, ledger.json.
#include "dpsapf/core/privacy_ledger.h"

#include "dpsapf/core/atomic_file.h"
#include "dpsapf/core/logging.h"
#include "dpsapf/core/version.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace dpsapf::core {
namespace {

constexpr const char *kLedgerFormat = "dpsapf-privacy-ledger";
constexpr int kLedgerVersion = 1;

nlohmann::json reportJson(const Expected<EpsilonReport> &report)
{
    if (!report) {
        return {{"error", report.error().message}};
    }
    nlohmann::json out{{"epsilon", report->epsilon},
                       {"accountant", accountantName(report->accountant)}};
    if (report->accountant == AccountantKind::Rdp) {
        out["optimal_order"] = report->optimalOrder;
    } else {
        out["epsilon_estimate"] = report->epsilonEstimate;
        out["epsilon_lower"] = report->epsilonLower;
        out["eps_error"] = 0.01;
        out["delta_error_fraction"] = 1e-3;
    }
    if (!report->prvFailure.empty()) {
        out["prv_unavailable"] = report->prvFailure;
    }
    return out;
}

} // namespace

Expected<bool> LedgerConfig::validate() const
{
    if (!(delta > 0.0 && delta < 1.0)) {
        return makeError(ErrorCode::InvalidArgument,
                         "ledger delta must lie in (0, 1), got " + fmt::format("{}", delta));
    }
    if (!(epsilonCap > 0.0) || std::isinf(epsilonCap)) {
        return makeError(ErrorCode::InvalidArgument,
                         "ledger epsilon cap must be a positive finite number, got " +
                             fmt::format("{}", epsilonCap));
    }
    return true;
}

PrivacyLedger::PrivacyLedger(LedgerConfig config)
    : m_config(config)
{}

PrivacyHistory PrivacyLedger::history() const
{
    PrivacyHistory events;
    events.reserve(m_entries.size());
    for (const LedgerEntry &entry : m_entries) {
        events.push_back(entry.mechanism);
    }
    return events;
}

Expected<bool> PrivacyLedger::fitsUnderCap(const PrivacyHistory &history) const
{
    const Expected<EpsilonReport> report =
        computeEpsilonWithFallback(history, m_config.delta, m_config.capAccountant);
    if (!report) {
        return report.error();
    }
    return report->epsilon <= m_config.epsilonCap;
}

Expected<bool> PrivacyLedger::record(const LedgerEntry &entry)
{
    if (auto valid = validateHistory({entry.mechanism}); !valid) {
        return valid.error();
    }
    const bool reserved =
        m_reservation.remaining >= entry.mechanism.count &&
        m_reservation.mechanism.noiseMultiplier == entry.mechanism.noiseMultiplier &&
        m_reservation.mechanism.sampleRate == entry.mechanism.sampleRate;
    if (reserved) {
        m_reservation.remaining -= entry.mechanism.count;
    } else {
        m_reservation.remaining = 0;
        PrivacyHistory candidate = history();
        candidate.push_back(entry.mechanism);
        if (auto valid = validateHistory(candidate); !valid) {
            return valid.error();
        }
        const Expected<bool> fits = fitsUnderCap(candidate);
        if (!fits) {
            return fits.error();
        }
        if (!fits.value()) {
            return makeError(ErrorCode::Unreachable, "privacy budget cap: recording this " +
                                                         entry.kind +
                                                         " release would exceed epsilon " +
                                                         fmt::format("{}", m_config.epsilonCap));
        }
    }
    if (!m_entries.empty() && m_entries.back().kind == entry.kind &&
        m_entries.back().mechanism.noiseMultiplier == entry.mechanism.noiseMultiplier &&
        m_entries.back().mechanism.sampleRate == entry.mechanism.sampleRate) {
        m_entries.back().mechanism.count += entry.mechanism.count;
    } else {
        m_entries.push_back(entry);
    }
    return true;
}

Expected<std::int64_t> PrivacyLedger::reserveReleases(const PrivacyEvent &mechanism,
                                                      std::int64_t limit)
{
    m_reservation.remaining = 0;
    if (auto valid = validateHistory({{mechanism.noiseMultiplier, mechanism.sampleRate, 1}});
        !valid) {
        return valid.error();
    }
    const auto fitsWith = [&](std::int64_t count) -> Expected<bool> {
        PrivacyHistory candidate = history();
        candidate.push_back({mechanism.noiseMultiplier, mechanism.sampleRate, count});
        return fitsUnderCap(candidate);
    };
    if (limit <= 0) {
        return std::int64_t{0};
    }
    // epsilon grows with the count: bisection on the largest count that fits.
    const Expected<bool> all = fitsWith(limit);
    if (!all) {
        return all.error();
    }
    m_reservation.mechanism = {mechanism.noiseMultiplier, mechanism.sampleRate, 1};
    if (all.value()) {
        m_reservation.remaining = limit;
        return limit;
    }
    std::int64_t fitting = 0;
    std::int64_t failing = limit;
    while (failing - fitting > 1) {
        const std::int64_t middle = fitting + (failing - fitting) / 2;
        const Expected<bool> fits = fitsWith(middle);
        if (!fits) {
            return fits.error();
        }
        (fits.value() ? fitting : failing) = middle;
    }
    m_reservation.remaining = fitting;
    return fitting;
}

Expected<EpsilonReport> PrivacyLedger::epsilon(AccountantKind accountant) const
{
    return computeEpsilonWithFallback(history(), m_config.delta, accountant);
}

nlohmann::json PrivacyLedger::toJson() const
{
    nlohmann::json entries = nlohmann::json::array();
    for (const LedgerEntry &entry : m_entries) {
        entries.push_back({{"kind", entry.kind},
                           {"noise_multiplier", entry.mechanism.noiseMultiplier},
                           {"sample_rate", entry.mechanism.sampleRate},
                           {"count", entry.mechanism.count},
                           {"sensitivity", entry.sensitivity}});
    }
    return {{"format", kLedgerFormat},
            {"version", kLedgerVersion},
            {"software_version", kVersion},
            {"mechanism", "Poisson-subsampled Gaussian, add/remove-one-record adjacency"},
            {"delta", m_config.delta},
            {"epsilon_cap", m_config.epsilonCap},
            {"cap_accountant", accountantName(m_config.capAccountant)},
            {"events", entries},
            {"epsilon",
             {{"rdp", reportJson(epsilon(AccountantKind::Rdp))},
              {"prv", reportJson(epsilon(AccountantKind::Prv))}}}};
}

Expected<PrivacyLedger> PrivacyLedger::fromJson(const nlohmann::json &json)
{
    try {
        if (json.at("format").get<std::string>() != kLedgerFormat) {
            return makeError(ErrorCode::Format,
                             "ledger: field 'format' is not " + std::string(kLedgerFormat));
        }
        if (json.at("version").get<int>() != kLedgerVersion) {
            return makeError(ErrorCode::Format,
                             "ledger: unsupported 'version' " + json.at("version").dump());
        }
        LedgerConfig config;
        config.delta = json.at("delta").get<double>();
        config.epsilonCap = json.at("epsilon_cap").get<double>();
        const auto accountant = parseAccountant(json.at("cap_accountant").get<std::string>());
        if (!accountant) {
            return makeError(ErrorCode::Format, "ledger: unknown 'cap_accountant' " +
                                                    json.at("cap_accountant").dump());
        }
        config.capAccountant = *accountant;
        if (auto valid = config.validate(); !valid) {
            return valid.error();
        }
        PrivacyLedger ledger(config);
        for (const nlohmann::json &event : json.at("events")) {
            LedgerEntry entry;
            entry.kind = event.at("kind").get<std::string>();
            entry.mechanism.noiseMultiplier = event.at("noise_multiplier").get<double>();
            entry.mechanism.sampleRate = event.at("sample_rate").get<double>();
            entry.mechanism.count = event.at("count").get<std::int64_t>();
            entry.sensitivity = event.value("sensitivity", std::string());
            ledger.m_entries.push_back(entry);
        }
        if (auto valid = validateHistory(ledger.history()); !valid) {
            return makeError(ErrorCode::Format, "ledger: " + valid.error().message);
        }
        return ledger;
    } catch (const nlohmann::json::exception &error) {
        return makeError(ErrorCode::Format, std::string("ledger: ") + error.what());
    }
}

Expected<bool> PrivacyLedger::save(const std::filesystem::path &path) const
{
    return writeFileAtomically(path, toJson().dump(2) + "\n");
}

Expected<PrivacyLedger> PrivacyLedger::load(const std::filesystem::path &path)
{
    const Expected<std::string> text = readWholeFile(path);
    if (!text) {
        return text.error();
    }
    const nlohmann::json json = nlohmann::json::parse(text.value(), nullptr, false);
    if (json.is_discarded()) {
        return makeError(ErrorCode::Format, path.string() + ": not valid JSON");
    }
    Expected<PrivacyLedger> ledger = fromJson(json);
    if (!ledger) {
        return makeError(ErrorCode::Format, path.string() + ": " + ledger.error().message);
    }
    return ledger;
}

} // namespace dpsapf::core
