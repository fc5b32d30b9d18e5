// SPDX-License-Identifier: GPL-3.0-or-later
// The per-record diffusion loss of both stages (method.md §2): per record a timestep
// t ~ U{0..T-1} and noise eps ~ N(0, I) from this object's generator, x_t = sqrt(abar) x0 +
// sqrt(1 - abar) eps (latent models first draw x0 = mean + std n from the record's VAE
// posterior), and the mean over the record's elements of (eps_theta(x_t, t, c) - eps)^2.
// Never averaged over the batch before clipping.
#pragma once

#include "model/conditioning/class_conditioner.h"
#include "model/unet/unet.h"
#include "pipeline/public_model.h"
#include "pipeline/sensitive_data.h"

#include <torch/types.h>

namespace dpsapf::core {

class DiffusionLoss
{
public:
    DiffusionLoss(const PublicModel &model, std::uint64_t seed);

    // A batch's clean inputs (images in [-1, 1], or the latent posterior from which z0 is drawn
    // per record with this object's generator), labels [B] -> per-record losses [B].
    [[nodiscard]] torch::Tensor perRecord(UNet &unet, Conditioner &conditioner,
                                          const CleanBatch &batch, const torch::Tensor &labels);

    // The generator's state (checkpoints) and its restoration.
    [[nodiscard]] torch::Tensor state() const;
    void restore(const torch::Tensor &state);

private:
    const PublicModel &m_model;
    torch::Tensor m_alphasCumprod;
    std::int64_t m_timesteps = 1000;
    bool m_vPrediction = false;
    mutable torch::Generator m_generator;
};

} // namespace dpsapf::core
