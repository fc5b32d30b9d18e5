// SPDX-License-Identifier: GPL-3.0-or-later
// Per-record gradient norms and clipped sums for DP-SGD with book-keeping (Bu et al., ICML 2023):
// ghost norms (Goodfellow 2015; Li et al. 2021) or instantiation, chosen per layer by the mixed
// ghost rule 2T² vs p·d (Bu, Mao, Xu 2022), as in fastDP and Opacus' grad_sample/linear.py.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <mutex>
#include <vector>

namespace dpsapf::core {

enum class ClipMode {
    AutomaticPerLayer, // u = g/(‖g‖ + γ)/√L per trainable tensor (method.md §6.3)
    Flat,              // u = g·min(1, C/‖g‖) over the concatenation of all trainable tensors
};

struct PerSampleConfig {
    ClipMode mode = ClipMode::AutomaticPerLayer;
    double maxGradNorm = 1.0; // C of Flat clipping; ignored by AutomaticPerLayer
    double stabilizer = 1e-4; // γ of automatic clipping
    // false: endMicroBatch only computes the squared norms (the saliency probe needs no sums,
    // method.md §4.2); clippedSum then stays zero.
    bool accumulateClippedSums = true;
};

// Collects per-record gradient information of the trainable tensors during the backward pass of
// one physical micro-batch (through the DP functions of dp_functions.h), then accumulates the
// clipped per-record gradients into per-tensor sums over the micro-batches of one logical step.
// Records never mix: each record's contribution has norm <= C (Flat) or < 1 (Automatic).
//
// Book-keeping: a Linear/Conv2d weight keeps its layer input A [B,T,d] and output gradient
// G [B,T,p] until endMicroBatch (needed anyway by Flat clipping, which must know every tensor's
// norm first); the clipped sum is then one GEMM, (c⊙G)ᵀA. A weight whose per-call cost rule says
// "instantiate" (2T² > p·d) stores its per-record gradients [B,p,d] instead. Several calls for the
// same tensor in one micro-batch (weight sharing, K copies of a record) add up per record: ghost
// parts are concatenated along T, so the norm includes the cross terms (per-sample-gradients.md
// §6).
//
// Layers of AutomaticPerLayer: every registered tensor is one layer, L = tensorCount() (a LoRA
// factor A or B, a weight, a bias), whether or not it received a gradient in a micro-batch.
//
// Dtypes: norms, factors and sums use float64 for float64 tensors and float32 otherwise (never
// lower). Sums live on the device of their tensor. The object must outlive every backward pass
// that records into it; add*() calls are serialised by a mutex (autograd may run device threads).
class PerSampleGradients
{
public:
    enum class NormStrategy {
        Auto,        // instantiate when 2T² > p·d, otherwise ghost norm
        Ghost,       // always the ghost norm (Gram matrices)
        Instantiate, // always per-record gradients
    };

    PerSampleGradients(std::vector<at::Tensor> trainable, PerSampleConfig config);
    PerSampleGradients(const PerSampleGradients &) = delete;
    PerSampleGradients &operator=(const PerSampleGradients &) = delete;

    [[nodiscard]] int indexOf(const at::Tensor &tensor) const; // -1 if not registered
    [[nodiscard]] int tensorCount() const { return static_cast<int>(m_slots.size()); }
    [[nodiscard]] const PerSampleConfig &config() const { return m_config; }

    void setNormStrategy(NormStrategy strategy) { m_strategy = strategy; }
    [[nodiscard]] NormStrategy normStrategy() const { return m_strategy; }

    // Keep the unclipped per-record gradients of the last micro-batch (tests and debugging only:
    // costs B × parameters). Never log or release them.
    void setKeepPerRecordGradients(bool keep) { m_keepPerRecord = keep; }
    [[nodiscard]] at::Tensor perRecordGradient(int index) const; // [B, *shape], or undefined

    void beginMicroBatch(std::int64_t records); // B of this micro-batch (may be 0)
    [[nodiscard]] std::int64_t microBatchRecords() const { return m_records; }

    // Called from the DP functions' backward.
    void addInstantiated(int index, const at::Tensor &perRecordGrad); // [B, *shape]
    void addLinearWeight(int index, const at::Tensor &activations, const at::Tensor &outputGrads);
    void addBias(int index, const at::Tensor &outputGrads); // [B,T,p]
    void addEmbedding(int index, const at::Tensor &indices, const at::Tensor &outputGrads);

    // After backward: the per-record squared norms [B, tensorCount()] (zero columns for tensors
    // that received nothing), then the clip factors, then Σ_i c_i·g_i added to the step sums.
    at::Tensor endMicroBatch();

    // Running Σ of clipped per-record gradients over this logical step (zeros if no record).
    [[nodiscard]] at::Tensor clippedSum(int index) const;
    void resetStep();

private:
    enum class PartKind { Linear, Embedding };
    struct GhostPart {
        PartKind kind = PartKind::Linear;
        at::Tensor input;       // Linear: activations [B,T,d]; Embedding: indices [B,T] (int64)
        at::Tensor outputGrads; // [B,T,p]
    };
    struct Slot {
        at::Tensor tensor;
        at::ScalarType accumulation = at::kFloat;
        std::vector<GhostPart> ghostParts; // this micro-batch, book-kept
        at::Tensor instantiated;           // this micro-batch, Σ of per-record grads [B, numel]
        at::Tensor stepSum;                // this step, clipped Σ (undefined until first record)
        at::Tensor perRecord;              // last micro-batch, only with m_keepPerRecord
    };

    [[nodiscard]] bool instantiateFor(std::int64_t positions, std::int64_t numel) const;
    void checkRecords(int index, const at::Tensor &tensor, const char *what) const;
    void addToInstantiated(Slot &slot, const at::Tensor &perRecordFlat);
    [[nodiscard]] at::Tensor instantiatePart(const Slot &slot, const GhostPart &part) const;
    void keepPerRecord(Slot &slot) const;
    [[nodiscard]] at::Tensor squaredNorms(Slot &slot) const;
    [[nodiscard]] at::Tensor clipFactors(const at::Tensor &squaredNorms) const;
    void accumulateClipped(Slot &slot, const at::Tensor &factors);

    std::vector<Slot> m_slots;
    PerSampleConfig m_config;
    NormStrategy m_strategy = NormStrategy::Auto;
    bool m_keepPerRecord = false;
    std::int64_t m_records = 0;
    mutable std::mutex m_mutex;
};

} // namespace dpsapf::core
