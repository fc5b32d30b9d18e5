// SPDX-License-Identifier: GPL-3.0-or-later
// The probe's noisy saliency scores arranged as the UNet's attention matrices: one row per
// transformer block in UNet order, one column per projection (attn1/attn2 x q, k, v, out).
#pragma once

#include <QString>
#include <QStringList>
#include <QVector>
#include <QtGlobal>

namespace dpsapf::ui {

// One candidate of the probe's release (saliency/scores.json): a module path and its noisy score.
struct SaliencyEntry {
    QString key;           // e.g. "down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k"
    QVector<qint64> shape; // weight shape, may be empty
    double score = 0;      // noisy (may be <= 0)
    int rank = 0;          // 1 = highest noisy score; 0 = not ranked
    bool selected = false;
};

struct SaliencyCell {
    QString key; // the entry's key without a "unet." prefix
    QVector<qint64> shape;
    double score = 0;
    int rank = 0;
    bool selected = false;
    bool present = false; // false: no entry for this block and projection
};

struct SaliencyGrid {
    // Transformer blocks in UNet order: "down_blocks.0.attentions.0" ... "mid_block.attentions.0"
    // ... "up_blocks.3.attentions.2"; a block's transformer_blocks.i for i > 0 gets ".tb<i>".
    QStringList rowLabels;
    QStringList columnLabels;    // "attn1.q", "attn1.k", "attn1.v", "attn1.out", "attn2.q", ...
    QVector<SaliencyCell> cells; // row-major, rows() * columns()
    // Entries that are not attention matrices (resnet and feed-forward layers in the
    // all-parameters variant, processor keys of layer-level runs) and repeated keys.
    int otherEntries = 0;
    int entryCount = 0; // every entry given, the n of "rank k of n"

    [[nodiscard]] int rows() const;
    [[nodiscard]] int columns() const;
    [[nodiscard]] const SaliencyCell &cell(int row, int column) const;
    [[nodiscard]] int selectedCount() const; // selected cells
};

// Column labels and the key suffix each one stands for ("attn1.to_q", ..., "attn2.to_out.0").
[[nodiscard]] QStringList saliencyColumnLabels();
[[nodiscard]] QStringList saliencyColumnKeySuffixes();

// Arranges the entries; rows with numeric indices in numeric order (up_blocks.2 before 10).
[[nodiscard]] SaliencyGrid buildSaliencyGrid(const QVector<SaliencyEntry> &entries);

} // namespace dpsapf::ui
