// SPDX-License-Identifier: GPL-3.0-or-later
// The probe's noisy saliency scores arranged as the UNet's attention matrices: one row per
// transformer block in UNet order, one column per projection (attn1/attn2 x q, k, v, out).
#include "models/saliency_grid.h"

#include <QHash>

#include <algorithm>
#include <utility>

namespace dpsapf::ui {

namespace {

const QLatin1String kUnetPrefix("unet.");
const QLatin1String kTransformerBlocks(".transformer_blocks.");

// down_blocks, then mid_block, then up_blocks, then anything else.
int sectionOf(const QString &prefix)
{
    if (prefix.startsWith(QLatin1String("down_blocks."))) {
        return 0;
    }
    if (prefix.startsWith(QLatin1String("mid_block."))) {
        return 1;
    }
    if (prefix.startsWith(QLatin1String("up_blocks."))) {
        return 2;
    }
    return 3;
}

// Compares runs of digits by value and everything else by character ("up_blocks.2" < ".10").
bool naturalLess(const QString &a, const QString &b)
{
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < a.size() && j < b.size()) {
        if (a.at(i).isDigit() && b.at(j).isDigit()) {
            qsizetype endA = i;
            qsizetype endB = j;
            while (endA < a.size() && a.at(endA).isDigit()) {
                ++endA;
            }
            while (endB < b.size() && b.at(endB).isDigit()) {
                ++endB;
            }
            // Compare the runs without leading zeros: longer is larger, then digit by digit.
            QStringView runA = QStringView(a).mid(i, endA - i);
            QStringView runB = QStringView(b).mid(j, endB - j);
            while (runA.size() > 1 && runA.front() == QLatin1Char('0')) {
                runA = runA.mid(1);
            }
            while (runB.size() > 1 && runB.front() == QLatin1Char('0')) {
                runB = runB.mid(1);
            }
            if (runA.size() != runB.size()) {
                return runA.size() < runB.size();
            }
            const int order = runA.compare(runB);
            if (order != 0) {
                return order < 0;
            }
            i = endA;
            j = endB;
            continue;
        }
        if (a.at(i) != b.at(j)) {
            return a.at(i) < b.at(j);
        }
        ++i;
        ++j;
    }
    return (a.size() - i) < (b.size() - j);
}

struct RowId {
    QString prefix;
    int transformerBlock = 0;
    QString label;
};

bool rowLess(const RowId &a, const RowId &b)
{
    const int sectionA = sectionOf(a.prefix);
    const int sectionB = sectionOf(b.prefix);
    if (sectionA != sectionB) {
        return sectionA < sectionB;
    }
    if (a.prefix != b.prefix) {
        return naturalLess(a.prefix, b.prefix);
    }
    return a.transformerBlock < b.transformerBlock;
}

struct ParsedKey {
    RowId row;
    int column = -1;
};

// False for keys that are not one of the eight attention projections of a transformer block.
bool parseKey(const QString &key, const QStringList &suffixes, ParsedKey *parsed)
{
    const qsizetype at = key.indexOf(kTransformerBlocks);
    if (at <= 0) {
        return false;
    }
    const QString rest = key.mid(at + kTransformerBlocks.size());
    const qsizetype dot = rest.indexOf(QLatin1Char('.'));
    if (dot <= 0) {
        return false;
    }
    bool ok = false;
    const int transformerBlock = rest.left(dot).toInt(&ok);
    if (!ok || transformerBlock < 0) {
        return false;
    }
    const int column = static_cast<int>(suffixes.indexOf(rest.mid(dot + 1)));
    if (column < 0) {
        return false;
    }
    parsed->row.prefix = key.left(at);
    parsed->row.transformerBlock = transformerBlock;
    parsed->row.label = transformerBlock == 0 ? parsed->row.prefix
                                              : parsed->row.prefix + QStringLiteral(".tb") +
                                                    QString::number(transformerBlock);
    parsed->column = column;
    return true;
}

} // namespace

int SaliencyGrid::rows() const
{
    return static_cast<int>(rowLabels.size());
}

int SaliencyGrid::columns() const
{
    return static_cast<int>(columnLabels.size());
}

const SaliencyCell &SaliencyGrid::cell(int row, int column) const
{
    Q_ASSERT(row >= 0 && row < rows() && column >= 0 && column < columns());
    return cells.at(static_cast<qsizetype>(row) * columns() + column);
}

int SaliencyGrid::selectedCount() const
{
    return static_cast<int>(std::count_if(cells.cbegin(), cells.cend(), [](const SaliencyCell &c) {
        return c.present && c.selected;
    }));
}

QStringList saliencyColumnLabels()
{
    return {QStringLiteral("attn1.q"),   QStringLiteral("attn1.k"),  QStringLiteral("attn1.v"),
            QStringLiteral("attn1.out"), QStringLiteral("attn2.q"),  QStringLiteral("attn2.k"),
            QStringLiteral("attn2.v"),   QStringLiteral("attn2.out")};
}

QStringList saliencyColumnKeySuffixes()
{
    return {QStringLiteral("attn1.to_q"), QStringLiteral("attn1.to_k"),
            QStringLiteral("attn1.to_v"), QStringLiteral("attn1.to_out.0"),
            QStringLiteral("attn2.to_q"), QStringLiteral("attn2.to_k"),
            QStringLiteral("attn2.to_v"), QStringLiteral("attn2.to_out.0")};
}

SaliencyGrid buildSaliencyGrid(const QVector<SaliencyEntry> &entries)
{
    SaliencyGrid grid;
    grid.columnLabels = saliencyColumnLabels();
    grid.entryCount = static_cast<int>(entries.size());
    const QStringList suffixes = saliencyColumnKeySuffixes();

    struct Placed {
        qsizetype entry;
        QString key;
        ParsedKey parsed;
    };
    QVector<Placed> placed;
    QVector<RowId> rowIds;
    QHash<QString, int> rowOfLabel;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        QString key = entries.at(i).key;
        if (key.startsWith(kUnetPrefix)) {
            key.remove(0, kUnetPrefix.size());
        }
        ParsedKey parsed;
        if (!parseKey(key, suffixes, &parsed)) {
            ++grid.otherEntries;
            continue;
        }
        if (!rowOfLabel.contains(parsed.row.label)) {
            rowOfLabel.insert(parsed.row.label, static_cast<int>(rowIds.size()));
            rowIds.append(parsed.row);
        }
        placed.append(Placed{i, key, parsed});
    }

    std::sort(rowIds.begin(), rowIds.end(), rowLess);
    for (int row = 0; row < rowIds.size(); ++row) {
        grid.rowLabels.append(rowIds.at(row).label);
        rowOfLabel.insert(rowIds.at(row).label, row);
    }

    grid.cells.resize(static_cast<qsizetype>(grid.rows()) * grid.columns());
    for (const Placed &p : std::as_const(placed)) {
        const qsizetype index =
            static_cast<qsizetype>(rowOfLabel.value(p.parsed.row.label)) * grid.columns() +
            p.parsed.column;
        SaliencyCell &cell = grid.cells[index];
        if (cell.present) {
            ++grid.otherEntries; // a repeated key: the first one wins
            continue;
        }
        const SaliencyEntry &entry = entries.at(p.entry);
        cell.key = p.key;
        cell.shape = entry.shape;
        cell.score = entry.score;
        cell.rank = entry.rank;
        cell.selected = entry.selected;
        cell.present = true;
    }
    return grid;
}

} // namespace dpsapf::ui
