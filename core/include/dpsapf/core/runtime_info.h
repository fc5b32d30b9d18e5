// SPDX-License-Identifier: GPL-3.0-or-later
// What the compute engine runs on: LibTorch version, thread counts and accelerators.
// Torch-free API, so the GUI's About dialog and the CLI can show it.
#pragma once

#include <string>

namespace dpsapf::core {

struct RuntimeInfo {
    std::string libTorchVersion;  // e.g. "1.13.0" (what the LibTorch headers report)
    int intraOpThreads = 0;       // torch intra-op threads in use
    int cudaDeviceCount = 0;      // 0 when this build or machine has no CUDA device
    bool cudaBuild = false;       // true when built with DPSAPF_CUDA against a CUDA LibTorch
    bool mkldnnAvailable = false; // oneDNN kernels for convolutions

    // "cuda (N devices)" or "cpu"; the device a run uses by default.
    [[nodiscard]] std::string defaultDevice() const;
};

[[nodiscard]] RuntimeInfo queryRuntimeInfo();

// Sets torch's intra-op and inter-op thread counts. Call once from main() before any torch work;
// threads <= 0 means "the number of hardware threads". Returns the intra-op count now in use.
int configureComputeThreads(int threads);

} // namespace dpsapf::core
