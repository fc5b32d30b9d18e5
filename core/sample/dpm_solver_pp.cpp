// SPDX-License-Identifier: GPL-3.0-or-later
// DPM-Solver++(2M) with diffusers DPMSolverMultistepScheduler semantics.
#include "sample/dpm_solver_pp.h"

#include <torch/torch.h>

#include <cmath>

namespace dpsapf::core {
namespace {

// Fractional timestep of a sigma by interpolation in log-sigma (diffusers _sigma_to_t).
double sigmaToTimestep(double sigma, const std::vector<double> &logSigmas)
{
    const double logSigma = std::log(std::max(sigma, 1e-10));
    std::size_t low = 0;
    for (std::size_t i = 0; i < logSigmas.size(); ++i) {
        if (logSigma - logSigmas[i] >= 0.0) {
            low = i; // the last index whose log-sigma lies at or below the target
        }
    }
    low = std::min(low, logSigmas.size() - 2);
    const double lowValue = logSigmas[low];
    const double highValue = logSigmas[low + 1];
    const double weight = std::clamp((lowValue - logSigma) / (lowValue - highValue), 0.0, 1.0);
    return (1.0 - weight) * static_cast<double>(low) + weight * static_cast<double>(low + 1);
}

} // namespace

DpmSolverPlusPlus::DpmSolverPlusPlus(SchedulerConfig config, bool karrasSigmas)
    : m_config(std::move(config))
    , m_karras(karrasSigmas)
    , m_alphasCumprod(alphasCumprod(m_config))
{}

TimestepSpacing DpmSolverPlusPlus::spacing() const
{
    return m_config.timestepSpacing.value_or(TimestepSpacing::Linspace);
}

void DpmSolverPlusPlus::setTimesteps(std::int64_t steps)
{
    m_previousDataPrediction = torch::Tensor();
    m_timesteps.clear();
    const std::int64_t last = m_config.numTrainTimesteps;
    switch (spacing()) {
    case TimestepSpacing::Linspace:
        // numpy: linspace(0, last - 1, steps + 1) = i * step, rounded half to even, reversed, final
        // 0 dropped.
        for (std::int64_t i = steps; i >= 1; --i) {
            const double step = static_cast<double>(last - 1) / static_cast<double>(steps);
            m_timesteps.push_back(
                static_cast<std::int64_t>(std::nearbyint(static_cast<double>(i) * step)));
        }
        break;
    case TimestepSpacing::Leading: {
        const std::int64_t ratio = last / (steps + 1);
        for (std::int64_t i = steps; i >= 1; --i) {
            m_timesteps.push_back(i * ratio + m_config.stepsOffset);
        }
        break;
    }
    case TimestepSpacing::Trailing: {
        const double ratio =
            static_cast<double>(m_config.numTrainTimesteps) / static_cast<double>(steps);
        for (std::int64_t k = 0; static_cast<double>(last) - static_cast<double>(k) * ratio > 0.0;
             ++k) {
            m_timesteps.push_back(static_cast<std::int64_t>(std::nearbyint(
                                      static_cast<double>(last) - static_cast<double>(k) * ratio)) -
                                  1);
        }
        break;
    }
    }

    // sigma_t = sqrt((1 - alpha-bar) / alpha-bar) in float32, as diffusers computes it.
    const torch::Tensor allSigmas = ((1 - m_alphasCumprod) / m_alphasCumprod).pow(0.5);
    const auto *sigmaData = allSigmas.data_ptr<float>();
    std::vector<float> chosen;
    if (m_karras) {
        std::vector<double> logSigmas(static_cast<std::size_t>(allSigmas.numel()));
        for (std::size_t i = 0; i < logSigmas.size(); ++i) {
            logSigmas[i] =
                static_cast<double>(std::log(sigmaData[i])); // float32 log, as numpy on float32
        }
        const double sigmaMin = sigmaData[0];
        const double sigmaMax = sigmaData[allSigmas.numel() - 1];
        constexpr double kRho = 7.0;
        const double minInverse = std::pow(sigmaMin, 1.0 / kRho);
        const double maxInverse = std::pow(sigmaMax, 1.0 / kRho);
        m_timesteps.clear();
        for (std::int64_t i = 0; i < steps; ++i) {
            const double ramp =
                steps == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(steps - 1);
            const double sigma = std::pow(maxInverse + ramp * (minInverse - maxInverse), kRho);
            chosen.push_back(static_cast<float>(sigma));
            m_timesteps.push_back(
                static_cast<std::int64_t>(std::nearbyint(sigmaToTimestep(sigma, logSigmas))));
        }
    } else {
        for (const std::int64_t t : m_timesteps) {
            chosen.push_back(sigmaData[t]);
        }
    }
    chosen.push_back(0.0F); // final_sigmas_type "zero"
    m_sigmas = torch::tensor(chosen, torch::TensorOptions().dtype(torch::kFloat32));
}

torch::Tensor DpmSolverPlusPlus::step(const torch::Tensor &modelOutput, std::size_t index,
                                      const torch::Tensor &sample, const torch::Tensor & /*noise*/)
{
    const auto alphaOf = [](const torch::Tensor &sigma) { return 1 / (sigma.pow(2) + 1).pow(0.5); };
    const torch::Tensor sigmaCurrent = m_sigmas[static_cast<std::int64_t>(index)];
    const torch::Tensor sigmaNext = m_sigmas[static_cast<std::int64_t>(index) + 1];
    const torch::Tensor alphaCurrent = alphaOf(sigmaCurrent);
    const torch::Tensor scaledCurrent = sigmaCurrent * alphaCurrent;
    const torch::Tensor alphaNext = alphaOf(sigmaNext);
    const torch::Tensor scaledNext = sigmaNext * alphaNext;

    // Data prediction D = x0 from the model output.
    const torch::Tensor dataPrediction = m_config.predictionType == PredictionType::Epsilon
                                             ? (sample - scaledCurrent * modelOutput) / alphaCurrent
                                             : alphaCurrent * sample - scaledCurrent * modelOutput;

    const torch::Tensor lambdaCurrent = torch::log(alphaCurrent) - torch::log(scaledCurrent);
    const torch::Tensor lambdaNext = torch::log(alphaNext) - torch::log(scaledNext);
    const torch::Tensor h = lambdaNext - lambdaCurrent;
    const torch::Tensor firstOrderTerm = alphaNext * (torch::exp(-h) - 1.0);
    const bool lastStep = index + 1 == m_timesteps.size();
    torch::Tensor next;
    if (!m_previousDataPrediction.defined() || lastStep) {
        next = (scaledNext / scaledCurrent) * sample - firstOrderTerm * dataPrediction;
    } else {
        const torch::Tensor sigmaPrevious = m_sigmas[static_cast<std::int64_t>(index) - 1];
        const torch::Tensor alphaPrevious = alphaOf(sigmaPrevious);
        const torch::Tensor lambdaPrevious =
            torch::log(alphaPrevious) - torch::log(sigmaPrevious * alphaPrevious);
        const torch::Tensor ratio = (lambdaCurrent - lambdaPrevious) / h;
        const torch::Tensor difference =
            (1.0 / ratio) * (dataPrediction - m_previousDataPrediction);
        next = (scaledNext / scaledCurrent) * sample - firstOrderTerm * dataPrediction -
               0.5 * firstOrderTerm * difference;
    }
    m_previousDataPrediction = dataPrediction;
    return next;
}

} // namespace dpsapf::core
