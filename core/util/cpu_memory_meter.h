// SPDX-License-Identifier: GPL-3.0-or-later
// Peak CPU tensor memory for benchmarks: while a CpuMemoryMeter lives, LibTorch's CPU allocator is
// wrapped by one that counts the bytes of live CPU tensors (oneDNN scratch space and other memory
// that does not come from the tensor allocator is not counted). CUDA has its own statistics.
#pragma once

#include <cstdint>

namespace dpsapf::core {

class CpuMemoryMeter
{
public:
    CpuMemoryMeter();  // installs the counting allocator; only one meter may live at a time
    ~CpuMemoryMeter(); // restores the previous allocator (tensors still alive stay counted)
    CpuMemoryMeter(const CpuMemoryMeter &) = delete;
    CpuMemoryMeter &operator=(const CpuMemoryMeter &) = delete;

    [[nodiscard]] std::int64_t currentBytes() const; // allocated since the meter was installed
    [[nodiscard]] std::int64_t peakBytes() const;    // highest currentBytes since the last reset
    void resetPeak();                                // peak = current
};

} // namespace dpsapf::core
