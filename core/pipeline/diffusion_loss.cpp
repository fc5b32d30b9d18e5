// SPDX-License-Identifier: GPL-3.0-or-later
// Per-record epsilon- (or v-) prediction loss with seeded timesteps and noise.
#include "pipeline/diffusion_loss.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <mutex>

namespace dpsapf::core {

DiffusionLoss::DiffusionLoss(const PublicModel &model, std::uint64_t seed)
    : m_model(model)
    , m_alphasCumprod(alphasCumprod(model.scheduler))
    , m_timesteps(model.scheduler.numTrainTimesteps)
    , m_vPrediction(model.scheduler.predictionType == PredictionType::VPrediction)
    , m_generator(at::make_generator<at::CPUGeneratorImpl>(seed))
{}

torch::Tensor DiffusionLoss::perRecord(UNet &unet, Conditioner &conditioner,
                                       const CleanBatch &batch, const torch::Tensor &labels)
{
    const auto floats = torch::TensorOptions().dtype(torch::kFloat32);
    const torch::Tensor x0 =
        batch.latent() ? batch.latentMean + batch.latentStd * torch::randn(batch.latentMean.sizes(),
                                                                           m_generator, floats)
                       : toUNetSpace(m_model, batch.images);
    const std::int64_t count = x0.size(0);
    const torch::Tensor t = torch::randint(0, m_timesteps, {count}, m_generator,
                                           torch::TensorOptions().dtype(torch::kInt64));
    const torch::Tensor noise = torch::randn(x0.sizes(), m_generator, floats);
    const auto device = unet->parameters().front().device();
    const torch::Tensor alphaBar = m_alphasCumprod.index_select(0, t).view({-1, 1, 1, 1});
    const torch::Tensor noisy = alphaBar.sqrt() * x0 + (1.0 - alphaBar).sqrt() * noise;
    const torch::Tensor target =
        m_vPrediction ? alphaBar.sqrt() * noise - (1.0 - alphaBar).sqrt() * x0 : noise;
    const torch::Tensor prediction =
        unet->forward(noisy.to(device), t.to(device), conditioner.context(labels.to(device)));
    return (prediction - target.to(device)).pow(2).flatten(1).mean(1);
}

torch::Tensor DiffusionLoss::state() const
{
    std::lock_guard<std::mutex> lock(m_generator.mutex());
    return m_generator.get_state();
}

void DiffusionLoss::restore(const torch::Tensor &state)
{
    std::lock_guard<std::mutex> lock(m_generator.mutex());
    m_generator.set_state(state);
}

} // namespace dpsapf::core
