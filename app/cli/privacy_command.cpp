// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf privacy epsilon|noise`: epsilon of (probe +) DP-SGD, and noise calibration for a target.
#include "privacy_command.h"

#include "cli_app.h"
#include "cli_validators.h"
#include "dpsapf/core/noise_calibration.h"
#include "dpsapf/core/privacy_accountant.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace dpsapf::app {
namespace {

struct PrivacyArguments {
    double noiseMultiplier = 0.0;
    double sampleRate = 0.0;
    std::int64_t steps = 0;
    double delta = 0.0;
    double targetEpsilon = 0.0;
    std::string accountant = "prv";
    double probeNoise = 0.0;
    double probeSampleRate = 0.0;
    bool json = false;
    CLI::Option *probeNoiseOption = nullptr;

    [[nodiscard]] core::PrivacyHistory probeHistory() const
    {
        if (probeNoiseOption == nullptr || probeNoiseOption->count() == 0) {
            return {};
        }
        return {{probeNoise, probeSampleRate, 1}};
    }
    [[nodiscard]] core::AccountantKind accountantKind() const
    {
        return *core::parseAccountant(accountant);
    }
};

void addCommonOptions(CLI::App &command, PrivacyArguments &arguments)
{
    command
        .add_option("--sample-rate", arguments.sampleRate,
                    "DP-SGD Poisson sampling rate q = B/N, in (0, 1]")
        ->required()
        ->check(numberIn(0.0, Bound::Open, 1.0, Bound::Closed));
    command.add_option("--steps", arguments.steps, "DP-SGD steps T (>= 1)")
        ->required()
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 50));
    command.add_option("--delta", arguments.delta, "Target delta, in (0, 1)")
        ->required()
        ->check(numberIn(0.0, Bound::Open, 1.0, Bound::Open));
    command.add_option("--accountant", arguments.accountant, "Accountant: prv (default) or rdp")
        ->check(CLI::IsMember({"rdp", "prv"}));
    arguments.probeNoiseOption = command
                                     .add_option("--probe-noise", arguments.probeNoise,
                                                 "Saliency probe noise multiplier (one release)")
                                     ->check(numberIn(0.0, Bound::Closed, 0.0, Bound::None));
    auto *probeRate = command
                          .add_option("--probe-sample-rate", arguments.probeSampleRate,
                                      "Saliency probe sampling rate q_s, in (0, 1]")
                          ->check(numberIn(0.0, Bound::Open, 1.0, Bound::Closed));
    arguments.probeNoiseOption->needs(probeRate);
    probeRate->needs(arguments.probeNoiseOption);
    command.add_flag("--json", arguments.json, "Print one JSON object");
}

nlohmann::json probeJson(const PrivacyArguments &arguments)
{
    const core::PrivacyHistory probe = arguments.probeHistory();
    if (probe.empty()) {
        return nullptr;
    }
    return {{"noise_multiplier", probe[0].noiseMultiplier},
            {"sample_rate", probe[0].sampleRate},
            {"count", 1}};
}

int runEpsilon(const PrivacyArguments &arguments)
{
    core::PrivacyHistory history = arguments.probeHistory();
    history.push_back({arguments.noiseMultiplier, arguments.sampleRate, arguments.steps});
    const auto report =
        core::computeEpsilonWithFallback(history, arguments.delta, arguments.accountantKind());
    if (!report) {
        std::cerr << "dpsapf privacy epsilon: " << report.error().message << '\n';
        return report.error().code == core::ErrorCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    nlohmann::json out{{"epsilon", report->epsilon},
                       {"delta", report->delta},
                       {"accountant", core::accountantName(report->accountant)},
                       {"noise_multiplier", arguments.noiseMultiplier},
                       {"sample_rate", arguments.sampleRate},
                       {"steps", arguments.steps},
                       {"probe", probeJson(arguments)}};
    if (report->accountant == core::AccountantKind::Rdp) {
        out["optimal_order"] = report->optimalOrder;
        out["order_at_grid_edge"] = report->orderAtGridEdge;
    } else {
        out["epsilon_estimate"] = report->epsilonEstimate;
        out["epsilon_lower"] = report->epsilonLower;
    }
    if (!report->prvFailure.empty()) {
        out["prv_unavailable"] = report->prvFailure;
        std::cerr << "warning: PRV unavailable (" << report->prvFailure << "), RDP shown\n";
    }
    if (arguments.json) {
        std::cout << out.dump() << '\n';
        return kExitOk;
    }
    std::cout << "epsilon = " << report->epsilon << " at delta = " << report->delta << " ("
              << core::accountantName(report->accountant) << " accountant";
    if (report->accountant == core::AccountantKind::Rdp) {
        std::cout << ", optimal order " << report->optimalOrder;
    } else {
        std::cout << ", estimate " << report->epsilonEstimate;
    }
    std::cout << ")\n";
    return kExitOk;
}

int runNoise(const PrivacyArguments &arguments)
{
    core::CalibrationRequest request;
    request.fixedHistory = arguments.probeHistory();
    request.sampleRate = arguments.sampleRate;
    request.steps = arguments.steps;
    request.delta = arguments.delta;
    request.targetEpsilon = arguments.targetEpsilon;
    request.accountant = arguments.accountantKind();
    const auto result = core::calibrateNoise(request);
    if (!result) {
        std::cerr << "dpsapf privacy noise: " << result.error().message << '\n';
        return result.error().code == core::ErrorCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    const nlohmann::json out{{"noise_multiplier", result->noiseMultiplier},
                             {"epsilon", result->epsilon},
                             {"target_epsilon", request.targetEpsilon},
                             {"epsilon_tolerance", request.epsilonTolerance},
                             {"delta", request.delta},
                             {"accountant", core::accountantName(request.accountant)},
                             {"sample_rate", request.sampleRate},
                             {"steps", request.steps},
                             {"probe", probeJson(arguments)},
                             {"evaluations", result->evaluations}};
    if (arguments.json) {
        std::cout << out.dump() << '\n';
        return kExitOk;
    }
    std::cout << "noise multiplier = " << result->noiseMultiplier << " (epsilon " << result->epsilon
              << " <= " << request.targetEpsilon << " at delta " << request.delta << ", "
              << core::accountantName(request.accountant) << " accountant)\n";
    return kExitOk;
}

} // namespace

void addPrivacyCommands(CLI::App &cli, CommandTable &commands)
{
    auto *privacy =
        cli.add_subcommand("privacy", "Privacy accounting: epsilon of a run, noise for a target");
    privacy->require_subcommand(1);

    auto epsilonArguments = std::make_shared<PrivacyArguments>();
    auto *epsilon = privacy->add_subcommand(
        "epsilon",
        "Epsilon of T Poisson-subsampled Gaussian DP-SGD steps (plus an optional probe release)");
    epsilon
        ->add_option("--noise-multiplier", epsilonArguments->noiseMultiplier,
                     "DP-SGD noise multiplier (>= 0)")
        ->required()
        ->check(numberIn(0.0, Bound::Closed, 0.0, Bound::None));
    addCommonOptions(*epsilon, *epsilonArguments);
    commands.add(epsilon, [epsilonArguments] { return runEpsilon(*epsilonArguments); });

    auto noiseArguments = std::make_shared<PrivacyArguments>();
    auto *noise =
        privacy->add_subcommand("noise", "Smallest DP-SGD noise multiplier meeting a target "
                                         "epsilon (after an optional probe release)");
    noise->add_option("--target-epsilon", noiseArguments->targetEpsilon, "Target epsilon (> 0)")
        ->required()
        ->check(numberIn(0.0, Bound::Open, 0.0, Bound::None));
    addCommonOptions(*noise, *noiseArguments);
    commands.add(noise, [noiseArguments] { return runNoise(*noiseArguments); });
}

} // namespace dpsapf::app
