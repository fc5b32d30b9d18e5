// SPDX-License-Identifier: GPL-3.0-or-later
// Dispatch between the RDP and the PRV accountant; the analytic Gaussian mechanism.
#include "dpsapf/core/privacy_accountant.h"

#include "dpsapf/core/logging.h"
#include "dpsapf/core/prv_accountant.h"
#include "dpsapf/core/rdp_accountant.h"
#include "privacy/log_math.h"

#include <cmath>

namespace dpsapf::core {

std::string_view accountantName(AccountantKind kind)
{
    return kind == AccountantKind::Rdp ? "rdp" : "prv";
}

std::optional<AccountantKind> parseAccountant(std::string_view name)
{
    if (name == "rdp") {
        return AccountantKind::Rdp;
    }
    if (name == "prv") {
        return AccountantKind::Prv;
    }
    return std::nullopt;
}

Expected<EpsilonReport> computeEpsilon(const PrivacyHistory &history, double delta,
                                       AccountantKind accountant)
{
    EpsilonReport report;
    report.accountant = accountant;
    report.delta = delta;
    if (accountant == AccountantKind::Rdp) {
        const Expected<RdpEpsilon> rdp = rdpEpsilon(history, delta);
        if (!rdp) {
            return rdp.error();
        }
        report.epsilon = rdp->epsilon;
        report.optimalOrder = rdp->optimalOrder;
        report.orderAtGridEdge = rdp->orderAtGridEdge;
        return report;
    }
    const Expected<PrvEpsilon> prv = prvEpsilon(history, delta);
    if (!prv) {
        return prv.error();
    }
    report.epsilon = prv->upper;
    report.epsilonEstimate = prv->estimate;
    report.epsilonLower = prv->lower;
    return report;
}

Expected<EpsilonReport> computeEpsilonWithFallback(const PrivacyHistory &history, double delta,
                                                   AccountantKind accountant)
{
    Expected<EpsilonReport> report = computeEpsilon(history, delta, accountant);
    if (report || accountant != AccountantKind::Prv ||
        report.error().code != ErrorCode::NumericalFailure) {
        return report;
    }
    const std::string reason = report.error().message;
    Expected<EpsilonReport> rdp = computeEpsilon(history, delta, AccountantKind::Rdp);
    if (!rdp) {
        return rdp;
    }
    EpsilonReport fallback = rdp.value();
    fallback.prvFailure = reason;
    logger(LogChannel::Privacy)->warn("PRV unavailable ({}), RDP shown", reason);
    return fallback;
}

double analyticGaussianDelta(double noiseMultiplier, double epsilon)
{
    const double sigma = noiseMultiplier;
    const double a = -epsilon * sigma + 1.0 / (2.0 * sigma);
    const double b = -epsilon * sigma - 1.0 / (2.0 * sigma);
    // e^eps * Phi(b) in log space: Phi(b) is tiny exactly when e^eps is huge.
    return logmath::normalCdf(a) - std::exp(epsilon + logmath::logNormalCdf(b));
}

} // namespace dpsapf::core
