// SPDX-License-Identifier: GPL-3.0-or-later
// Runtime facts about LibTorch (version, threads, CUDA, oneDNN) behind a torch-free struct.
#include "dpsapf/core/runtime_info.h"

#include "dpsapf/core/logging.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <thread>

namespace dpsapf::core {

std::string RuntimeInfo::defaultDevice() const
{
    if (cudaDeviceCount > 0) {
        return "cuda (" + std::to_string(cudaDeviceCount) +
               (cudaDeviceCount == 1 ? " device)" : " devices)");
    }
    return "cpu";
}

RuntimeInfo queryRuntimeInfo()
{
    RuntimeInfo info;
    info.libTorchVersion = TORCH_VERSION;
    info.intraOpThreads = at::get_num_threads();
    info.cudaDeviceCount =
        torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
#ifdef DPSAPF_CUDA
    info.cudaBuild = true;
#endif
    info.mkldnnAvailable = at::hasMKLDNN();
    return info;
}

int configureComputeThreads(int threads)
{
    if (threads <= 0) {
        threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    }
    // The inter-op pool can be sized only once per process, before its first use.
    static const bool interOpConfigured = [threads] {
        try {
            at::set_num_interop_threads(threads);
            return true;
        } catch (const std::exception &error) {
            logger(LogChannel::App)->warn("inter-op threads already fixed: {}", error.what());
            return false;
        }
    }();
    (void)interOpConfigured;
    at::set_num_threads(threads);
    return at::get_num_threads();
}

} // namespace dpsapf::core
