// SPDX-License-Identifier: GPL-3.0-or-later
// Resolving "cpu" / "cuda" / "auto" to a torch device.
#include "util/compute_device.h"

#include <torch/torch.h>

namespace dpsapf::core {

Expected<torch::Device> resolveComputeDevice(const std::string &choice, const std::string &what)
{
    const bool cuda = torch::cuda::is_available();
    if (choice == "cpu" || (choice == "auto" && !cuda)) {
        return torch::Device(torch::kCPU);
    }
    if (choice == "cuda" || choice == "auto") {
        if (!cuda) {
            return makeError(ErrorCode::InvalidArgument,
                             what + ": cuda was asked for, but " +
                                 (torch::hasCUDA() ? std::string("no CUDA device is visible")
                                                   : std::string("this build of LibTorch has no "
                                                                 "CUDA support (build with "
                                                                 "-DDPSAPF_CUDA=ON against a CUDA "
                                                                 "LibTorch)")));
        }
        return torch::Device(torch::kCUDA, 0);
    }
    return makeError(ErrorCode::InvalidArgument, what + ": must be cpu, cuda or auto");
}

} // namespace dpsapf::core
