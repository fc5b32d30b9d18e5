// SPDX-License-Identifier: GPL-3.0-or-later
// Sampler names and the factory.
#include "sample/sampler.h"

#include "sample/ddim_sampler.h"
#include "sample/dpm_solver_pp.h"

namespace dpsapf::core {

std::string samplerName(SamplerKind kind)
{
    switch (kind) {
    case SamplerKind::Ddim: return "ddim";
    case SamplerKind::DpmSolverPP2M: return "dpmpp-2m";
    case SamplerKind::DpmSolverPP2MKarras: return "dpmpp-2m-karras";
    }
    return "ddim";
}

std::optional<SamplerKind> parseSampler(const std::string &name)
{
    for (const SamplerKind kind :
         {SamplerKind::Ddim, SamplerKind::DpmSolverPP2M, SamplerKind::DpmSolverPP2MKarras}) {
        if (samplerName(kind) == name) {
            return kind;
        }
    }
    return std::nullopt;
}

std::unique_ptr<Sampler> makeSampler(SamplerKind kind, const SchedulerConfig &config, double eta)
{
    switch (kind) {
    case SamplerKind::Ddim: return std::make_unique<DdimSampler>(config, eta);
    case SamplerKind::DpmSolverPP2M: return std::make_unique<DpmSolverPlusPlus>(config, false);
    case SamplerKind::DpmSolverPP2MKarras: return std::make_unique<DpmSolverPlusPlus>(config, true);
    }
    return nullptr;
}

} // namespace dpsapf::core
