// SPDX-License-Identifier: GPL-3.0-or-later
// A counting wrapper around LibTorch's CPU allocator.
#include "util/cpu_memory_meter.h"

#include <c10/core/CPUAllocator.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace dpsapf::core {

namespace {

// Deleters are plain function pointers, so the bookkeeping is global. Memory allocated through the
// wrapper keeps the wrapper's deleter after the meter is gone; the state therefore lives for the
// whole program.
struct CountingState {
    std::mutex mutex;
    std::unordered_map<void *, std::size_t> sizes;
    c10::Allocator *base = nullptr;
    c10::DeleterFnPtr baseDeleter = nullptr;
    std::atomic<std::int64_t> current{0};
    std::atomic<std::int64_t> peak{0};
    bool installed = false;
};

CountingState &state()
{
    static auto *counting = new CountingState(); // never destroyed: deleters may run at exit
    return *counting;
}

void countedDelete(void *pointer)
{
    auto &counting = state();
    std::size_t bytes = 0;
    c10::DeleterFnPtr deleter = nullptr;
    {
        const std::lock_guard<std::mutex> lock(counting.mutex);
        const auto found = counting.sizes.find(pointer);
        if (found != counting.sizes.end()) {
            bytes = found->second;
            counting.sizes.erase(found);
        }
        deleter = counting.baseDeleter;
    }
    counting.current -= static_cast<std::int64_t>(bytes);
    deleter(pointer);
}

c10::DataPtr countedAllocate(std::size_t bytes)
{
    auto &counting = state();
    void *pointer = counting.base->raw_allocate(bytes);
    {
        const std::lock_guard<std::mutex> lock(counting.mutex);
        counting.sizes[pointer] = bytes;
    }
    const std::int64_t now = counting.current += static_cast<std::int64_t>(bytes);
    std::int64_t peak = counting.peak.load();
    while (now > peak && !counting.peak.compare_exchange_weak(peak, now)) {
    }
    return {pointer, pointer, &countedDelete, c10::Device(c10::DeviceType::CPU)};
}

// The Allocator interface changed in LibTorch 2.x: allocate() lost its const and copy_data()
// became pure virtual. Both signatures are declared (without `override`, which would fail on one
// of the versions); each version overrides the one it has.
class CountingAllocator final : public c10::Allocator
{
public:
    c10::DataPtr allocate(std::size_t bytes) const { return countedAllocate(bytes); }
    c10::DataPtr allocate(std::size_t bytes) { return countedAllocate(bytes); }
    void copy_data(void *destination, const void *source, std::size_t count) const
    {
        std::memcpy(destination, source, count);
    }
    c10::DeleterFnPtr raw_deleter() const { return &countedDelete; }
};

CountingAllocator &countingAllocator()
{
    static auto *allocator = new CountingAllocator();
    return *allocator;
}

} // namespace

CpuMemoryMeter::CpuMemoryMeter()
{
    auto &counting = state();
    TORCH_CHECK(!counting.installed, "CpuMemoryMeter: a meter is already installed");
    c10::Allocator *current = c10::GetCPUAllocator();
    TORCH_CHECK(current->raw_deleter() != nullptr,
                "CpuMemoryMeter: the CPU allocator has no raw interface");
    counting.base = current;
    counting.baseDeleter = current->raw_deleter();
    counting.current = 0;
    counting.peak = 0;
    counting.installed = true;
    c10::SetCPUAllocator(&countingAllocator(), /*priority=*/0);
}

CpuMemoryMeter::~CpuMemoryMeter()
{
    auto &counting = state();
    c10::SetCPUAllocator(counting.base, /*priority=*/0);
    counting.installed = false;
}

std::int64_t CpuMemoryMeter::currentBytes() const
{
    return state().current.load();
}

std::int64_t CpuMemoryMeter::peakBytes() const
{
    return std::max(state().peak.load(), state().current.load());
}

void CpuMemoryMeter::resetPeak()
{
    state().peak = state().current.load();
}

} // namespace dpsapf::core
