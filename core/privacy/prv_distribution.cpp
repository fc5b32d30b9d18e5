// SPDX-License-Identifier: GPL-3.0-or-later
// The Poisson-subsampled Gaussian PRV, its truncation, mean and discretisation (Gopi, Lee,
// Wutschitz 2021; Opacus' prvs.py and domain.py conventions, privacy-accounting.md §3.1-§3.3).
#include "privacy/prv_distribution.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <sstream>

namespace dpsapf::core::prv {
namespace {

constexpr double kSqrt2 = 1.41421356237309504880168872420969808;
constexpr double kRelativeDtTolerance = 1e-8;
// Quadrature target: absolute error 1e-13 relative to the integral of |f| (at least 1e-13).
constexpr double kQuadratureTolerance = 1e-13;
constexpr std::size_t kQuadratureSegmentLimit = 2000;

// Gauss-Kronrod 21/10 nodes and weights (QUADPACK qk21).
constexpr std::array<double, 11> kKronrodNodes = {0.995657163025808080735527280689003,
                                                  0.973906528517171720077964012084452,
                                                  0.930157491355708226001207180059508,
                                                  0.865063366688984510732096688423493,
                                                  0.780817726586416897063717578345042,
                                                  0.679409568299024406234327365114874,
                                                  0.562757134668604683339000099272694,
                                                  0.433395394129247190799265943165784,
                                                  0.294392862701460198131126603103866,
                                                  0.148874338981631210884826001129720,
                                                  0.0};
constexpr std::array<double, 11> kKronrodWeights = {
    0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
    0.054755896574351996031381300244580, 0.075039674810919952767043140916190,
    0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
    0.123491976262065851077208031828062, 0.134709217311473325928054001771707,
    0.142775938577060080797094273138717, 0.147739104901338491374841515972068,
    0.149445554002916905664936468389821};
constexpr std::array<double, 5> kGaussWeights = {
    0.066671344308688137593568809893332, 0.149451349150580593145776339657697,
    0.219086362515982043995534934228163, 0.269266719309996355091226921569469,
    0.295524224714752870173892994651338};

struct Segment {
    double a = 0.0;
    double b = 0.0;
    double result = 0.0;
    double error = 0.0;
    double absoluteResult = 0.0;
};

// One 21-point Kronrod rule with QUADPACK's error estimate.
Segment kronrod21(const std::function<double(double)> &f, double a, double b)
{
    const double center = 0.5 * (a + b);
    const double halfLength = 0.5 * (b - a);
    const double centerValue = f(center);
    double gauss = 0.0;
    double kronrod = kKronrodWeights[10] * centerValue;
    double absolute = std::abs(kronrod);
    std::array<double, 10> left{};
    std::array<double, 10> right{};
    for (std::size_t j = 0; j < 10; ++j) {
        const double offset = halfLength * kKronrodNodes[j];
        left[j] = f(center - offset);
        right[j] = f(center + offset);
        const double sum = left[j] + right[j];
        kronrod += kKronrodWeights[j] * sum;
        absolute += kKronrodWeights[j] * (std::abs(left[j]) + std::abs(right[j]));
        if (j % 2 == 1) {
            gauss += kGaussWeights[j / 2] * sum;
        }
    }
    const double halfKronrod = 0.5 * kronrod;
    double deviation = kKronrodWeights[10] * std::abs(centerValue - halfKronrod);
    for (std::size_t j = 0; j < 10; ++j) {
        deviation += kKronrodWeights[j] *
                     (std::abs(left[j] - halfKronrod) + std::abs(right[j] - halfKronrod));
    }
    const double scale = std::abs(halfLength);
    Segment segment{a, b, kronrod * halfLength, std::abs((kronrod - gauss) * halfLength),
                    absolute * scale};
    deviation *= scale;
    if (deviation != 0.0 && segment.error != 0.0) {
        segment.error = deviation * std::min(1.0, std::pow(200.0 * segment.error / deviation, 1.5));
    }
    constexpr double kMachineEpsilon = std::numeric_limits<double>::epsilon();
    segment.error = std::max(50.0 * kMachineEpsilon * segment.absoluteResult, segment.error);
    return segment;
}

} // namespace

double integrate(const std::function<double(double)> &f, double a, double b)
{
    std::vector<Segment> segments{kronrod21(f, a, b)};
    while (segments.size() < kQuadratureSegmentLimit) {
        double error = 0.0;
        double absolute = 0.0;
        std::size_t worst = 0;
        for (std::size_t i = 0; i < segments.size(); ++i) {
            error += segments[i].error;
            absolute += segments[i].absoluteResult;
            if (segments[i].error > segments[worst].error) {
                worst = i;
            }
        }
        if (error <= kQuadratureTolerance * std::max(1.0, absolute)) {
            break;
        }
        const Segment split = segments[worst];
        const double middle = 0.5 * (split.a + split.b);
        if (!(split.a < middle && middle < split.b)) {
            break; // the interval cannot be split any further
        }
        segments[worst] = kronrod21(f, split.a, middle);
        segments.push_back(kronrod21(f, middle, split.b));
    }
    // Sum the small contributions first.
    std::sort(segments.begin(), segments.end(), [](const Segment &x, const Segment &y) {
        return std::abs(x.result) < std::abs(y.result);
    });
    long double total = 0.0L;
    for (const Segment &segment : segments) {
        total += segment.result;
    }
    return static_cast<double>(total);
}

double Domain::dt() const
{
    return (tMax - tMin) / static_cast<double>(size - 1);
}

std::vector<double> Domain::points() const
{
    // numpy.linspace: j * step + start, with the last point set to stop.
    std::vector<double> ts(static_cast<std::size_t>(size));
    const double step = dt();
    for (std::size_t j = 0; j < ts.size(); ++j) {
        ts[j] = static_cast<double>(j) * step + tMin;
    }
    if (size > 1) {
        ts.back() = tMax;
    }
    return ts;
}

Domain Domain::shiftedRight(double shift) const
{
    return Domain{tMin + shift, tMax + shift, size, shifts + shift};
}

Expected<Domain> createAlignedDomain(double tMin, double tMax, double dt)
{
    if (!(dt > 0.0) || !std::isfinite(dt) || !std::isfinite(tMin) || !std::isfinite(tMax) ||
        !(tMin < tMax)) {
        return makeError(ErrorCode::NumericalFailure, "PRV: invalid domain for discretisation");
    }
    const double alignedMin = std::floor(tMin / dt) * dt;
    double alignedMax = std::ceil(tMax / dt) * dt;
    // np.round rounds half to even, as nearbyint in the default rounding mode.
    const double points = std::nearbyint((alignedMax - alignedMin) / dt) + 1.0;
    if (!(points < 9.0e15)) {
        return makeError(ErrorCode::NumericalFailure, "PRV: discretisation grid is too large");
    }
    auto size = static_cast<std::int64_t>(points);
    if (size % 2 == 1) {
        size += 1;
        alignedMax += dt;
    }
    Domain domain{alignedMin, alignedMax, size, 0.0};
    if (std::abs(domain.dt() - dt) / dt >= kRelativeDtTolerance) {
        return makeError(ErrorCode::NumericalFailure,
                         "PRV: aligned grid spacing differs from the requested mesh size");
    }
    return domain;
}

SubsampledGaussianPrv::SubsampledGaussianPrv(double sampleRate, double noiseMultiplier)
    : m_sampleRate(sampleRate)
    , m_noiseMultiplier(noiseMultiplier)
    , m_logOneMinusRate(sampleRate >= 1.0 ? -std::numeric_limits<double>::infinity()
                                          : std::log(1.0 - sampleRate))
{}

double SubsampledGaussianPrv::cdf(double t) const
{
    if (!(t > m_logOneMinusRate)) {
        return 0.0;
    }
    const double q = m_sampleRate;
    const double sigma = m_noiseMultiplier;
    // Same operation order as Opacus' numpy expression; q = 1 has z = t exactly.
    const double z = q >= 1.0 ? t : std::log((std::exp(t) + q - 1.0) / q);
    const double variance = sigma * sigma;
    const double denominator = 2.0 * kSqrt2 * sigma;
    const double first = -q * std::erfc((2.0 * z * variance - 1.0) / denominator) / 2.0;
    const double second = (1.0 - q) * std::erfc((2.0 * z * variance + 1.0) / denominator) / 2.0;
    return first - second + 1.0;
}

TruncatedPrv::TruncatedPrv(const SubsampledGaussianPrv &prv, double tMin, double tMax)
    : m_prv(prv)
    , m_tMin(tMin)
    , m_tMax(tMax)
    , m_cdfAtMin(prv.cdf(tMin))
    , m_remainingMass(prv.cdf(tMax) - m_cdfAtMin)
{}

double TruncatedPrv::cdf(double t) const
{
    if (t < m_tMin) {
        return 0.0;
    }
    if (t < m_tMax) {
        return (m_prv.cdf(t) - m_cdfAtMin) / m_remainingMass;
    }
    return 1.0;
}

double TruncatedPrv::mean() const
{
    // Opacus' partition: tMin, -1e-1, ..., -1e-5, 1e-5, ..., 1e-1, tMax.
    std::vector<double> points{m_tMin};
    for (int exponent = -1; exponent >= -5; --exponent) {
        points.push_back(-std::pow(10.0, exponent));
    }
    for (int exponent = -5; exponent <= -1; ++exponent) {
        points.push_back(std::pow(10.0, exponent));
    }
    points.push_back(m_tMax);
    const auto integrand = [this](double t) { return cdf(t); };
    double mean = 0.0;
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
        const double left = points[i];
        const double right = points[i + 1];
        const double integral = integrate(integrand, left, right);
        mean += right * cdf(right) - left * cdf(left) - integral;
    }
    return mean;
}

Expected<DiscretePrv> discretize(const TruncatedPrv &prv, const Domain &domain)
{
    if (!(prv.remainingMass() > 0.0) || !std::isfinite(prv.remainingMass())) {
        return makeError(ErrorCode::NumericalFailure,
                         "PRV: the privacy loss distribution has no mass inside the domain");
    }
    const std::vector<double> ts = domain.points();
    const double halfStep = domain.dt() / 2.0;
    std::vector<double> pmf(ts.size());
    long double discreteMean = 0.0L;
    for (std::size_t j = 0; j < ts.size(); ++j) {
        pmf[j] = prv.cdf(ts[j] + halfStep) - prv.cdf(ts[j] - halfStep);
        discreteMean += static_cast<long double>(ts[j]) * pmf[j];
    }
    const double shift = prv.mean() - static_cast<double>(discreteMean);
    if (!(std::abs(shift) < halfStep)) {
        std::ostringstream message;
        message << "PRV: discrete mean differs significantly from the continuous mean (shift "
                << shift << ", mesh " << domain.dt() << ")";
        return makeError(ErrorCode::NumericalFailure, message.str());
    }
    return DiscretePrv{std::move(pmf), domain.shiftedRight(shift)};
}

} // namespace dpsapf::core::prv
