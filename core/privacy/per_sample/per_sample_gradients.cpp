// SPDX-License-Identifier: GPL-3.0-or-later
// Per-record norms (ghost: Li et al. 2021; instantiation: Opacus) and book-kept clipped sums
// (Bu et al. 2023) for DP-SGD; the ghost/instantiate choice is the mixed ghost rule (Bu et al.
// 2022).
#include "per_sample_gradients.h"

#include <cmath>
#include <string>

namespace dpsapf::core {

namespace {

at::ScalarType accumulationType(at::ScalarType type)
{
    return type == at::kDouble ? at::kDouble : at::kFloat;
}

// [B, ...] -> [B, T, last] with T the product of the middle dimensions (2-D input: T = 1).
at::Tensor asSequence(const at::Tensor &tensor)
{
    if (tensor.dim() == 2) {
        return tensor.unsqueeze(1);
    }
    return tensor.reshape({tensor.size(0), -1, tensor.size(-1)});
}

} // namespace

PerSampleGradients::PerSampleGradients(std::vector<at::Tensor> trainable, PerSampleConfig config)
    : m_config(config)
{
    TORCH_CHECK(config.mode != ClipMode::Flat ||
                    (config.maxGradNorm > 0.0 && std::isfinite(config.maxGradNorm)),
                "PerSampleGradients: maxGradNorm must be finite and > 0, got ", config.maxGradNorm);
    TORCH_CHECK(config.mode != ClipMode::AutomaticPerLayer ||
                    (config.stabilizer > 0.0 && std::isfinite(config.stabilizer)),
                "PerSampleGradients: the stabilizer must be finite and > 0, got ",
                config.stabilizer);
    m_slots.reserve(trainable.size());
    for (auto &tensor : trainable) {
        TORCH_CHECK(tensor.defined(), "PerSampleGradients: trainable tensor #", m_slots.size(),
                    " is undefined");
        TORCH_CHECK(tensor.requires_grad(), "PerSampleGradients: trainable tensor #",
                    m_slots.size(), " does not require grad (backward would never reach it)");
        TORCH_CHECK(indexOf(tensor) < 0, "PerSampleGradients: trainable tensor #", m_slots.size(),
                    " is registered twice");
        Slot slot;
        slot.accumulation = accumulationType(tensor.scalar_type());
        slot.tensor = std::move(tensor);
        m_slots.push_back(std::move(slot));
    }
}

int PerSampleGradients::indexOf(const at::Tensor &tensor) const
{
    if (!tensor.defined()) {
        return -1;
    }
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        if (m_slots[i].tensor.unsafeGetTensorImpl() == tensor.unsafeGetTensorImpl()) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

at::Tensor PerSampleGradients::perRecordGradient(int index) const
{
    TORCH_CHECK(index >= 0 && index < tensorCount(), "PerSampleGradients: bad index ", index);
    return m_slots[static_cast<std::size_t>(index)].perRecord;
}

void PerSampleGradients::beginMicroBatch(std::int64_t records)
{
    TORCH_CHECK(records >= 0, "PerSampleGradients: negative record count ", records);
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_records = records;
    for (auto &slot : m_slots) {
        slot.ghostParts.clear();
        slot.instantiated = at::Tensor();
        slot.perRecord = at::Tensor();
    }
}

bool PerSampleGradients::instantiateFor(std::int64_t positions, std::int64_t numel) const
{
    switch (m_strategy) {
    case NormStrategy::Ghost: return false;
    case NormStrategy::Instantiate: return true;
    case NormStrategy::Auto: break;
    }
    // Ghost needs two T×T Grams per record, instantiation p·d numbers (per-sample-gradients.md §3).
    return 2.0 * static_cast<double>(positions) * static_cast<double>(positions) >
           static_cast<double>(numel);
}

void PerSampleGradients::checkRecords(int index, const at::Tensor &tensor, const char *what) const
{
    TORCH_CHECK(index < tensorCount(), "PerSampleGradients: bad index ", index);
    TORCH_CHECK(tensor.defined() && tensor.dim() >= 1 && tensor.size(0) == m_records,
                "PerSampleGradients: ", what, " for tensor #", index, " has ",
                tensor.defined() && tensor.dim() >= 1 ? tensor.size(0) : -1,
                " records, beginMicroBatch announced ", m_records);
}

void PerSampleGradients::addToInstantiated(Slot &slot, const at::Tensor &perRecordFlat)
{
    TORCH_CHECK(perRecordFlat.size(1) == slot.tensor.numel(),
                "PerSampleGradients: a per-record gradient has ", perRecordFlat.size(1),
                " elements, the tensor ", slot.tensor.numel());
    const auto value = perRecordFlat.detach().to(slot.tensor.device(), slot.accumulation);
    slot.instantiated = slot.instantiated.defined() ? slot.instantiated + value : value;
}

void PerSampleGradients::addInstantiated(int index, const at::Tensor &perRecordGrad)
{
    if (index < 0) {
        return;
    }
    const std::lock_guard<std::mutex> lock(m_mutex);
    checkRecords(index, perRecordGrad, "a per-record gradient");
    if (m_records == 0) {
        return;
    }
    addToInstantiated(m_slots[static_cast<std::size_t>(index)],
                      perRecordGrad.reshape({m_records, -1}));
}

void PerSampleGradients::addLinearWeight(int index, const at::Tensor &activations,
                                         const at::Tensor &outputGrads)
{
    if (index < 0) {
        return;
    }
    const std::lock_guard<std::mutex> lock(m_mutex);
    checkRecords(index, activations, "activations");
    checkRecords(index, outputGrads, "output gradients");
    if (m_records == 0) {
        return;
    }
    Slot &slot = m_slots[static_cast<std::size_t>(index)];
    GhostPart part{PartKind::Linear, asSequence(activations.detach()),
                   asSequence(outputGrads.detach())};
    TORCH_CHECK(part.input.size(1) == part.outputGrads.size(1),
                "PerSampleGradients: activations and output gradients differ in positions");
    TORCH_CHECK(part.input.size(2) * part.outputGrads.size(2) == slot.tensor.numel(),
                "PerSampleGradients: a linear weight of ", slot.tensor.numel(),
                " elements cannot have d = ", part.input.size(2),
                " and p = ", part.outputGrads.size(2));
    if (instantiateFor(part.input.size(1), slot.tensor.numel())) {
        addToInstantiated(slot, instantiatePart(slot, part));
    } else {
        slot.ghostParts.push_back(std::move(part));
    }
}

void PerSampleGradients::addBias(int index, const at::Tensor &outputGrads)
{
    if (index < 0) {
        return;
    }
    const std::lock_guard<std::mutex> lock(m_mutex);
    checkRecords(index, outputGrads, "output gradients");
    if (m_records == 0) {
        return;
    }
    // b'_i = Σ_t g_t: instantiating costs p per record, less than any Gram.
    addToInstantiated(m_slots[static_cast<std::size_t>(index)], asSequence(outputGrads).sum(1));
}

void PerSampleGradients::addEmbedding(int index, const at::Tensor &indices,
                                      const at::Tensor &outputGrads)
{
    if (index < 0) {
        return;
    }
    const std::lock_guard<std::mutex> lock(m_mutex);
    checkRecords(index, indices, "indices");
    checkRecords(index, outputGrads, "output gradients");
    if (m_records == 0) {
        return;
    }
    Slot &slot = m_slots[static_cast<std::size_t>(index)];
    TORCH_CHECK(slot.tensor.dim() == 2, "PerSampleGradients: an embedding table must be 2-D");
    GhostPart part{PartKind::Embedding, indices.detach().reshape({m_records, -1}),
                   outputGrads.detach().reshape({m_records, -1, slot.tensor.size(1)})};
    TORCH_CHECK(part.input.size(1) == part.outputGrads.size(1),
                "PerSampleGradients: indices and output gradients differ in positions");
    if (instantiateFor(part.input.size(1), slot.tensor.numel())) {
        addToInstantiated(slot, instantiatePart(slot, part));
    } else {
        slot.ghostParts.push_back(std::move(part));
    }
}

// Per-record gradients [B, numel] of one book-kept part.
at::Tensor PerSampleGradients::instantiatePart(const Slot &slot, const GhostPart &part) const
{
    const auto options = slot.tensor.options().dtype(slot.accumulation);
    const auto grads = part.outputGrads.to(options);
    if (part.kind == PartKind::Linear) {
        // W'_i = G_iᵀ A_i (an einsum over the batch).
        return at::bmm(grads.transpose(1, 2), part.input.to(options)).reshape({m_records, -1});
    }
    const std::int64_t rows = slot.tensor.size(0);
    const auto indices = part.input.to(slot.tensor.device(), at::kLong);
    const auto offsets = at::arange(m_records, indices.options()).mul_(rows).unsqueeze(1);
    auto flat = at::zeros({m_records * rows, slot.tensor.size(1)}, options);
    flat.index_add_(0, (indices + offsets).reshape(-1), grads.reshape({-1, grads.size(2)}));
    return flat.reshape({m_records, -1});
}

// Merges the micro-batch's parts (one ghost part, or everything instantiated) and returns the
// per-record squared norms [B], or an undefined tensor if the slot received nothing.
at::Tensor PerSampleGradients::squaredNorms(Slot &slot) const
{
    auto &parts = slot.ghostParts;
    bool mixed = slot.instantiated.defined();
    for (const auto &part : parts) {
        mixed = mixed || part.kind != parts.front().kind;
    }
    if (mixed) {
        for (const auto &part : parts) {
            const auto value = instantiatePart(slot, part);
            slot.instantiated = slot.instantiated.defined() ? slot.instantiated + value : value;
        }
        parts.clear();
    }
    if (slot.instantiated.defined()) {
        return slot.instantiated.square().sum(1);
    }
    if (parts.empty()) {
        return at::Tensor();
    }
    if (parts.size() > 1) {
        // K uses of the tensor: concatenating along T keeps the cross terms of ‖Σ_k G_kᵀA_k‖².
        std::vector<at::Tensor> inputs;
        std::vector<at::Tensor> grads;
        for (const auto &part : parts) {
            inputs.push_back(part.input);
            grads.push_back(part.outputGrads);
        }
        const PartKind kind = parts.front().kind;
        parts.clear();
        parts.push_back({kind, at::cat(inputs, 1), at::cat(grads, 1)});
    }
    const GhostPart &part = parts.front();
    if (instantiateFor(part.input.size(1), slot.tensor.numel())) {
        return instantiatePart(slot, part).square().sum(1); // transient; the sum stays a GEMM
    }
    // Ghost norm: ‖G_iᵀA_i‖² = ⟨A_iA_iᵀ, G_iG_iᵀ⟩_F; for an embedding A is one-hot, so the
    // input Gram is [idx_s == idx_t].
    const auto options = slot.tensor.options().dtype(slot.accumulation);
    const auto grads = part.outputGrads.to(options);
    const auto gramGrads = at::bmm(grads, grads.transpose(1, 2));
    at::Tensor gramInputs;
    if (part.kind == PartKind::Linear) {
        const auto inputs = part.input.to(options);
        gramInputs = at::bmm(inputs, inputs.transpose(1, 2));
    } else {
        gramInputs = at::eq(part.input.unsqueeze(2), part.input.unsqueeze(1)).to(options);
    }
    return (gramInputs * gramGrads).sum({1, 2}).clamp_min(0.0);
}

// Clip factors [B, L] from the squared norms [B, L] (method.md §4.2, §6.3).
at::Tensor PerSampleGradients::clipFactors(const at::Tensor &squaredNorms) const
{
    if (m_config.mode == ClipMode::Flat) {
        // min(1, C/‖g_i‖) over the concatenation; where() avoids 0·∞ for zero gradients.
        const auto norms = squaredNorms.sum(1, /*keepdim=*/true).sqrt();
        const auto factors = at::where(norms > m_config.maxGradNorm, m_config.maxGradNorm / norms,
                                       at::ones_like(norms));
        return factors.expand_as(squaredNorms);
    }
    const double layers = static_cast<double>(tensorCount());
    return (squaredNorms.sqrt() + m_config.stabilizer).reciprocal() / std::sqrt(layers);
}

void PerSampleGradients::accumulateClipped(Slot &slot, const at::Tensor &factors)
{
    const auto options = slot.tensor.options().dtype(slot.accumulation);
    const auto weights = factors.to(options);
    at::Tensor sum;
    if (slot.instantiated.defined()) {
        sum = at::mv(slot.instantiated.t(), weights);
    } else {
        const GhostPart &part = slot.ghostParts.front();
        const auto grads = part.outputGrads.to(options) * weights.view({-1, 1, 1});
        const std::int64_t width = grads.size(2);
        if (part.kind == PartKind::Linear) {
            // Book-keeping: Σ_i c_i G_iᵀA_i = (c⊙G)ᵀA, one GEMM over all B·T rows.
            const auto inputs = part.input.to(options);
            sum = at::mm(grads.reshape({-1, width}).t(), inputs.reshape({-1, inputs.size(2)}));
        } else {
            sum = at::zeros({slot.tensor.size(0), width}, options);
            sum.index_add_(0, part.input.to(slot.tensor.device(), at::kLong).reshape(-1),
                           grads.reshape({-1, width}));
        }
    }
    sum = sum.reshape(slot.tensor.sizes());
    slot.stepSum = slot.stepSum.defined() ? slot.stepSum + sum : sum;
}

void PerSampleGradients::keepPerRecord(Slot &slot) const
{
    at::Tensor total = slot.instantiated;
    for (const auto &part : slot.ghostParts) {
        const auto value = instantiatePart(slot, part);
        total = total.defined() ? total + value : value;
    }
    if (total.defined()) {
        auto shape = slot.tensor.sizes().vec();
        shape.insert(shape.begin(), m_records);
        slot.perRecord = total.reshape(shape);
    }
}

at::Tensor PerSampleGradients::endMicroBatch()
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    const at::NoGradGuard noGrad; // the book-kept activations may belong to a graph
    const std::int64_t layers = tensorCount();
    bool anyDouble = false;
    for (const auto &slot : m_slots) {
        anyDouble = anyDouble || slot.accumulation == at::kDouble;
    }
    auto options = at::TensorOptions().dtype(anyDouble ? at::kDouble : at::kFloat);
    if (!m_slots.empty()) {
        options = options.device(m_slots.front().tensor.device());
    }
    auto squared = at::zeros({m_records, layers}, options);
    if (m_records > 0) {
        std::vector<bool> received(m_slots.size(), false);
        for (std::size_t i = 0; i < m_slots.size(); ++i) {
            if (m_keepPerRecord) {
                keepPerRecord(m_slots[i]);
            }
            const auto norms = squaredNorms(m_slots[i]);
            if (norms.defined()) {
                received[i] = true;
                squared.select(1, static_cast<std::int64_t>(i)).copy_(norms);
            }
        }
        if (m_config.accumulateClippedSums) {
            const auto factors = clipFactors(squared);
            for (std::size_t i = 0; i < m_slots.size(); ++i) {
                if (received[i]) {
                    accumulateClipped(m_slots[i], factors.select(1, static_cast<std::int64_t>(i)));
                }
            }
        }
    }
    for (auto &slot : m_slots) {
        slot.ghostParts.clear();
        slot.instantiated = at::Tensor();
    }
    return squared;
}

at::Tensor PerSampleGradients::clippedSum(int index) const
{
    TORCH_CHECK(index >= 0 && index < tensorCount(), "PerSampleGradients: bad index ", index);
    const std::lock_guard<std::mutex> lock(m_mutex);
    const Slot &slot = m_slots[static_cast<std::size_t>(index)];
    if (slot.stepSum.defined()) {
        return slot.stepSum;
    }
    return at::zeros(slot.tensor.sizes(), slot.tensor.options().dtype(slot.accumulation));
}

void PerSampleGradients::resetStep()
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_records = 0;
    for (auto &slot : m_slots) {
        slot.ghostParts.clear();
        slot.instantiated = at::Tensor();
        slot.stepSum = at::Tensor();
        slot.perRecord = at::Tensor();
    }
}

} // namespace dpsapf::core
