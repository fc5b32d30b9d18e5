// SPDX-License-Identifier: GPL-3.0-or-later
// The plot widgets: saliency grid layout, heat map tooltips and log scale, metric curves, and
// golden images of both widgets (style.md section 7; DPSAPF_WRITE_GOLDEN=1 rewrites them).
#include "models/saliency_grid.h"
#include "plots/metric_curves.h"
#include "plots/qcp.h"
#include "plots/saliency_heatmap.h"

#include <QApplication>
#include <QDir>
#include <QFontDatabase>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleFactory>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

using namespace dpsapf::ui;

namespace {

SaliencyEntry makeEntry(const QString &key, const QVector<qint64> &shape = {}, double score = 0,
                        int rank = 0, bool selected = false)
{
    return SaliencyEntry{key, shape, score, rank, selected};
}

// Same platform, style and font on every CI machine: allow only antialiasing noise.
constexpr int kGoldenTolerance = 16;        // per channel, 0-255
constexpr int kGoldenMaxFailingPixels = 50; // a 1 px line across a panel is several hundred

const QString kFontPath = QStringLiteral("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
bool g_fontLoaded = false;

// ---- golden image comparison (Krita's checkQImage idea: tolerance + failing-pixel budget) ----

struct ImageComparison {
    bool sameSize = false;
    int differingPixels = 0;   // pixels with a channel off by more than the tolerance
    int largestDifference = 0; // over all channels and pixels
};

ImageComparison compareImages(const QImage &actual, const QImage &expected, int tolerance)
{
    ImageComparison result;
    if (actual.size() != expected.size()) {
        return result;
    }
    result.sameSize = true;
    const QImage a = actual.convertToFormat(QImage::Format_ARGB32);
    const QImage b = expected.convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < a.height(); ++y) {
        const auto *lineA = reinterpret_cast<const QRgb *>(a.constScanLine(y));
        const auto *lineB = reinterpret_cast<const QRgb *>(b.constScanLine(y));
        for (int x = 0; x < a.width(); ++x) {
            const int difference = std::max({std::abs(qRed(lineA[x]) - qRed(lineB[x])),
                                             std::abs(qGreen(lineA[x]) - qGreen(lineB[x])),
                                             std::abs(qBlue(lineA[x]) - qBlue(lineB[x])),
                                             std::abs(qAlpha(lineA[x]) - qAlpha(lineB[x]))});
            result.largestDifference = std::max(result.largestDifference, difference);
            if (difference > tolerance) {
                ++result.differingPixels;
            }
        }
    }
    return result;
}

bool imagesMatch(const ImageComparison &comparison, int maxFailingPixels)
{
    return comparison.sameSize && comparison.differingPixels <= maxFailingPixels;
}

QString goldenPath(const QString &name)
{
    return QStringLiteral(DPSAPF_TEST_DATA_DIR "/golden/") + name + QStringLiteral(".png");
}

// Empty when `actual` matches tests/data/golden/<name>.png; otherwise why not, after writing
// <name>_actual.png and <name>_expected.png into the working (build) directory.
QString checkGolden(const QImage &actual, const QString &name, int tolerance, int maxFailingPixels)
{
    const QString path = goldenPath(name);
    if (qEnvironmentVariableIntValue("DPSAPF_WRITE_GOLDEN") == 1) {
        QDir().mkpath(QFileInfo(path).absolutePath());
        if (!actual.save(path)) {
            return QStringLiteral("cannot write ") + path;
        }
        qInfo("wrote %s", qPrintable(path));
        return {};
    }
    const QString actualPath = QDir::current().filePath(name + QStringLiteral("_actual.png"));
    const QImage expected(path);
    if (expected.isNull()) {
        actual.save(actualPath);
        return QStringLiteral("no golden image %1 (run with DPSAPF_WRITE_GOLDEN=1); wrote %2")
            .arg(path, actualPath);
    }
    const ImageComparison comparison = compareImages(actual, expected, tolerance);
    if (imagesMatch(comparison, maxFailingPixels)) {
        return {};
    }
    const QString expectedPath = QDir::current().filePath(name + QStringLiteral("_expected.png"));
    actual.save(actualPath);
    expected.save(expectedPath);
    if (!comparison.sameSize) {
        return QStringLiteral("size %1x%2, golden %3x%4; wrote %5 and %6")
            .arg(actual.width())
            .arg(actual.height())
            .arg(expected.width())
            .arg(expected.height())
            .arg(actualPath, expectedPath);
    }
    return QStringLiteral("%1 pixels differ by more than %2 (allowed %3, largest %4); wrote %5 "
                          "and %6")
        .arg(comparison.differingPixels)
        .arg(tolerance)
        .arg(maxFailingPixels)
        .arg(comparison.largestDifference)
        .arg(actualPath, expectedPath);
}

// ---- deterministic inputs ----

// The 128 attention matrices of the Stable Diffusion 1.5 UNet (16 transformer blocks).
QVector<SaliencyEntry> sdEntries(bool unetPrefix)
{
    struct Block {
        QString prefix;
        qint64 channels;
    };
    QVector<Block> blocks;
    const qint64 downChannels[] = {320, 640, 1280};
    for (int block = 0; block < 3; ++block) {
        for (int attention = 0; attention < 2; ++attention) {
            blocks.append({QStringLiteral("down_blocks.%1.attentions.%2").arg(block).arg(attention),
                           downChannels[block]});
        }
    }
    blocks.append({QStringLiteral("mid_block.attentions.0"), 1280});
    const qint64 upChannels[] = {1280, 640, 320};
    for (int block = 1; block < 4; ++block) {
        for (int attention = 0; attention < 3; ++attention) {
            blocks.append({QStringLiteral("up_blocks.%1.attentions.%2").arg(block).arg(attention),
                           upChannels[block - 1]});
        }
    }
    const QStringList suffixes = saliencyColumnKeySuffixes();
    QVector<SaliencyEntry> entries;
    for (int row = 0; row < blocks.size(); ++row) {
        for (int column = 0; column < suffixes.size(); ++column) {
            SaliencyEntry entry;
            entry.key = (unetPrefix ? QStringLiteral("unet.") : QString()) + blocks[row].prefix +
                        QStringLiteral(".transformer_blocks.0.") + suffixes[column];
            const qint64 c = blocks[row].channels;
            const bool crossKv = column == 5 || column == 6; // attn2.to_k / to_v read the text
            entry.shape = {c, crossKv ? 768 : c};
            // Larger for cross-attention, varying by depth, plus a fixed "noise" term that
            // pushes a few scores below zero.
            const double signal = (column >= 4 ? 1.0 : 0.45) * (1.0 + 0.6 * std::sin(row * 0.7));
            const double noise = 0.55 * std::sin(row * 12.9898 + column * 78.233);
            entry.score = (signal + noise) * 1e-3;
            entries.append(entry);
        }
    }
    return entries;
}

// Ranks by score (1 = highest) and selects the top `selected`.
void rankAndSelect(QVector<SaliencyEntry> &entries, int selected)
{
    QVector<int> order(entries.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return entries[a].score > entries[b].score; });
    for (int rank = 0; rank < order.size(); ++rank) {
        entries[order[rank]].rank = rank + 1;
        entries[order[rank]].selected = rank < selected;
    }
}

// 127 candidates (mid_block attn1.v left out, drawn hatched), 12 selected.
SaliencyGrid goldenGrid(int extraSelected = 0)
{
    QVector<SaliencyEntry> entries = sdEntries(false);
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [](const SaliencyEntry &e) {
                                     return e.key == QStringLiteral("mid_block.attentions.0."
                                                                    "transformer_blocks.0.attn1."
                                                                    "to_v");
                                 }),
                  entries.end());
    rankAndSelect(entries, 12 + extraSelected);
    return buildSaliencyGrid(entries);
}

QVector<double> range(double first, double last, double step)
{
    QVector<double> values;
    for (double x = first; x <= last + 1e-9; x += step) {
        values.append(x);
    }
    return values;
}

void fillGoldenCurves(MetricCurves &curves)
{
    const QVector<double> steps = range(0, 1000, 10);
    const QVector<double> evaluations = {250, 500, 750, 1000};
    const QStringList names = {QStringLiteral("DP-SAPF"), QStringLiteral("DP-LoRA")};
    for (int t = 0; t < names.size(); ++t) {
        const int track = curves.addTrack(names[t]);
        QVector<double> loss;
        QVector<double> epsilon;
        for (const double s : steps) {
            loss.append(0.11 * std::exp(-s / (250.0 + 150.0 * t)) + 0.032 +
                        0.004 * std::sin(s * 0.37 + t));
            epsilon.append(9.6 * std::sqrt(s / 1000.0) * (1.0 - 0.02 * t));
        }
        curves.appendPoints(track, CurveMetric::Loss, steps, loss);
        curves.appendPoints(track, CurveMetric::Epsilon, steps, epsilon);
        curves.appendPoints(track, CurveMetric::Accuracy, evaluations,
                            {0.41 + 0.05 * t, 0.58 + 0.03 * t, 0.66 + 0.01 * t, 0.71 - 0.02 * t});
    }
    curves.setEpsilonTarget(10.0);
}

// Renders a widget at a fixed size with its pending (queued) replots done.
QImage render(QWidget &widget, const QSize &size)
{
    widget.resize(size);
    widget.show();
    if (!QTest::qWaitForWindowExposed(&widget)) {
        return {};
    }
    QCoreApplication::processEvents();
    if (auto *plot = widget.findChild<QCustomPlot *>()) {
        plot->replot(QCustomPlot::rpImmediateRefresh);
    }
    return widget.grab().toImage();
}

} // namespace

class TestPlots final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void gridPlacesSdKeysInUNetOrder();
    void gridOrdersIndicesNumerically();
    void gridCountsOtherAndRepeatedKeys();
    void heatmapToolTipDescribesCell();
    void heatmapLogScaleClampsNonPositiveScores();
    void heatmapHoverReportsCell();
    void curvesCountPointsPerTrackAndMetric();
    void curvesEpsilonTargetLine();
    void curvesAppendQueuesOneReplot();
    void goldenComparisonRejectsChanges();
    void goldenImages_data();
    void goldenImages();
};

void TestPlots::gridPlacesSdKeysInUNetOrder()
{
    QVector<SaliencyEntry> entries = sdEntries(true);
    std::reverse(entries.begin(), entries.end()); // input order must not matter
    entries.append(
        makeEntry(QStringLiteral("unet.down_blocks.0.resnets.0.time_emb_proj"), {320, 1280}));
    entries.append(makeEntry(
        QStringLiteral("unet.mid_block.attentions.0.transformer_blocks.0.ff.net.2"), {1280, 5120}));
    entries.append(makeEntry(QStringLiteral("unet.time_embedding.linear_1"), {1280, 320}));
    rankAndSelect(entries, 12);

    const SaliencyGrid grid = buildSaliencyGrid(entries);
    QCOMPARE(grid.rows(), 16);
    QCOMPARE(grid.columns(), 8);
    QCOMPARE(grid.cells.size(), 128);
    QCOMPARE(grid.otherEntries, 3);
    QCOMPARE(grid.entryCount, 131);
    QCOMPARE(grid.rowLabels.first(), QStringLiteral("down_blocks.0.attentions.0"));
    QCOMPARE(grid.rowLabels.at(1), QStringLiteral("down_blocks.0.attentions.1"));
    QCOMPARE(grid.rowLabels.at(5), QStringLiteral("down_blocks.2.attentions.1"));
    QCOMPARE(grid.rowLabels.at(6), QStringLiteral("mid_block.attentions.0"));
    QCOMPARE(grid.rowLabels.at(7), QStringLiteral("up_blocks.1.attentions.0"));
    QCOMPARE(grid.rowLabels.last(), QStringLiteral("up_blocks.3.attentions.2"));
    QCOMPARE(grid.columnLabels, saliencyColumnLabels());
    QCOMPARE(grid.columnLabels.at(3), QStringLiteral("attn1.out"));

    const SaliencyCell &cell = grid.cell(2, 5); // down_blocks.1.attentions.0, attn2.k
    QVERIFY(cell.present);
    QCOMPARE(cell.key,
             QStringLiteral("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k"));
    QCOMPARE(cell.shape, (QVector<qint64>{640, 768}));
    QCOMPARE(grid.cell(15, 3).key,
             QStringLiteral("up_blocks.3.attentions.2.transformer_blocks.0.attn1.to_out.0"));
    int selected = 0;
    for (const SaliencyCell &c : grid.cells) {
        QVERIFY(c.present);
        QVERIFY(!c.key.startsWith(QStringLiteral("unet.")));
        selected += c.selected ? 1 : 0;
    }
    QCOMPARE(grid.selectedCount(), selected);
    QVERIFY(grid.selectedCount() <= 12); // three of the twelve may be non-attention entries
}

void TestPlots::gridOrdersIndicesNumerically()
{
    const QString tail = QStringLiteral(".attn1.to_q");
    QVector<SaliencyEntry> entries;
    for (const char *prefix :
         {"up_blocks.10.attentions.0", "up_blocks.2.attentions.0", "mid_block.attentions.0",
          "down_blocks.1.attentions.11", "down_blocks.1.attentions.2",
          "down_blocks.10.attentions.0", "down_blocks.9.attentions.0", "custom.attentions.0"}) {
        entries.append(
            makeEntry(QLatin1String(prefix) + QStringLiteral(".transformer_blocks.0") + tail));
    }
    // A block with two transformer blocks: the second gets a ".tb1" row after the first.
    entries.append(
        makeEntry(QStringLiteral("up_blocks.2.attentions.0.transformer_blocks.1") + tail));
    const SaliencyGrid grid = buildSaliencyGrid(entries);
    const QStringList expected = {QStringLiteral("down_blocks.1.attentions.2"),
                                  QStringLiteral("down_blocks.1.attentions.11"),
                                  QStringLiteral("down_blocks.9.attentions.0"),
                                  QStringLiteral("down_blocks.10.attentions.0"),
                                  QStringLiteral("mid_block.attentions.0"),
                                  QStringLiteral("up_blocks.2.attentions.0"),
                                  QStringLiteral("up_blocks.2.attentions.0.tb1"),
                                  QStringLiteral("up_blocks.10.attentions.0"),
                                  QStringLiteral("custom.attentions.0")};
    QCOMPARE(grid.rowLabels, expected);
    QCOMPARE(grid.otherEntries, 0);
    QVERIFY(grid.cell(6, 0).present);
    QVERIFY(!grid.cell(6, 1).present);
}

void TestPlots::gridCountsOtherAndRepeatedKeys()
{
    const QString block = QStringLiteral("down_blocks.0.attentions.0.transformer_blocks.0.");
    QVector<SaliencyEntry> entries = {
        makeEntry(block + QStringLiteral("attn2.to_v"), {320, 768}, 0.5, 1, true),
        makeEntry(QStringLiteral("unet.") + block + QStringLiteral("attn2.to_v"), {320, 768}, 0.1,
                  2),
        makeEntry(block + QStringLiteral("attn1"), {}, 0.2, 3),          // a processor key
        makeEntry(block + QStringLiteral("attn1.to_out.1"), {}, 0.2, 4), // not a projection
        makeEntry(block + QStringLiteral("ff.net.0.proj"), {2560, 320}, 0.2, 5),
        makeEntry(QStringLiteral("transformer_blocks.0.attn1.to_q"), {}, 0.2, 6), // no block path
    };
    const SaliencyGrid grid = buildSaliencyGrid(entries);
    QCOMPARE(grid.rows(), 1);
    QCOMPARE(grid.otherEntries, 5);
    QCOMPARE(grid.entryCount, 6);
    QCOMPARE(grid.selectedCount(), 1);
    QCOMPARE(grid.cell(0, 6).score, 0.5); // the first of a repeated key wins
    for (int column = 0; column < grid.columns(); ++column) {
        QCOMPARE(grid.cell(0, column).present, column == 6);
    }
    QCOMPARE(buildSaliencyGrid({}).rows(), 0);
}

void TestPlots::heatmapToolTipDescribesCell()
{
    QLocale::setDefault(QLocale::c());
    SaliencyHeatmap heatmap;
    heatmap.setGrid(goldenGrid());
    const SaliencyGrid &grid = heatmap.grid();
    // Find a selected and an unselected attn1.q cell in down_blocks.0 (320 x 320).
    int selectedRow = -1;
    int selectedColumn = -1;
    for (int row = 0; row < grid.rows() && selectedRow < 0; ++row) {
        for (int column = 0; column < grid.columns(); ++column) {
            if (grid.cell(row, column).selected) {
                selectedRow = row;
                selectedColumn = column;
                break;
            }
        }
    }
    QVERIFY(selectedRow >= 0);
    const SaliencyCell &chosen = grid.cell(selectedRow, selectedColumn);
    const QString chosenTip = heatmap.cellToolTip(selectedRow, selectedColumn);
    QVERIFY2(chosenTip.contains(chosen.key), qPrintable(chosenTip));
    QVERIFY(chosenTip.contains(QStringLiteral("rank %1 of 127").arg(chosen.rank)));
    QVERIFY(chosenTip.contains(QStringLiteral("\nselected")));
    QVERIFY(chosenTip.contains(QString::number(chosen.score, 'g', 4)));

    const SaliencyCell &first = grid.cell(0, 0);
    QVERIFY(!first.selected);
    const QString tip = heatmap.cellToolTip(0, 0);
    QCOMPARE(tip.split(QLatin1Char('\n')).size(), 5);
    QVERIFY(tip.startsWith(
        QStringLiteral("down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q\n")));
    QVERIFY2(tip.contains(QStringLiteral("shape: 320\u00D7320")), qPrintable(tip));
    QVERIFY(tip.contains(QStringLiteral("noisy score: ") + QString::number(first.score, 'g', 4)));
    QVERIFY(tip.contains(QStringLiteral("rank %1 of 127").arg(first.rank)));
    QVERIFY(tip.endsWith(QStringLiteral("\nnot selected")));
    QVERIFY(heatmap.cellToolTip(2, 5).contains(QStringLiteral("640\u00D7768")));

    // mid_block attn1.v has no entry.
    QVERIFY(!grid.cell(6, 2).present);
    QVERIFY(heatmap.cellToolTip(6, 2).contains(QStringLiteral("mid_block.attentions.0 attn1.v")));
    QVERIFY(heatmap.cellToolTip(-1, 0).isEmpty());
    QVERIFY(heatmap.cellToolTip(0, 8).isEmpty());
    QVERIFY(heatmap.cellToolTip(16, 0).isEmpty());
}

void TestPlots::heatmapLogScaleClampsNonPositiveScores()
{
    QLocale::setDefault(QLocale::c());
    SaliencyHeatmap heatmap;
    heatmap.setGrid(buildSaliencyGrid({
        makeEntry(QStringLiteral("mid_block.attentions.0.transformer_blocks.0.attn1.to_q"), {8, 8},
                  0.02, 2),
        makeEntry(QStringLiteral("mid_block.attentions.0.transformer_blocks.0.attn1.to_k"), {8, 8},
                  -0.5, 4),
        makeEntry(QStringLiteral("mid_block.attentions.0.transformer_blocks.0.attn1.to_v"), {8, 8},
                  0.0, 3),
        makeEntry(QStringLiteral("mid_block.attentions.0.transformer_blocks.0.attn2.to_q"), {8, 8},
                  3.0, 1, true),
    }));
    QVERIFY(!heatmap.logScale());
    QCOMPARE(heatmap.displayedValue(0, 1), -0.5);
    QVERIFY(!heatmap.cellToolTip(0, 1).contains(QStringLiteral("after noise")));
    QVERIFY(std::isnan(heatmap.displayedValue(0, 7))); // absent

    heatmap.setLogScale(true);
    QVERIFY(heatmap.logScale());
    QCOMPARE(heatmap.logFloor(), 0.002); // smallest positive score / 10
    QCOMPARE(heatmap.displayedValue(0, 0), 0.02);
    QCOMPARE(heatmap.displayedValue(0, 1), 0.002);
    QCOMPARE(heatmap.displayedValue(0, 2), 0.002);
    QCOMPARE(heatmap.displayedValue(0, 4), 3.0);
    QVERIFY(std::isnan(heatmap.displayedValue(0, 7)));
    const QString tip = heatmap.cellToolTip(0, 1);
    QVERIFY2(tip.contains(QStringLiteral("noisy score: -0.5 (\u2264 0 after noise)")),
             qPrintable(tip));
    QVERIFY(heatmap.cellToolTip(0, 2).contains(QStringLiteral("(\u2264 0 after noise)")));
    QVERIFY(!heatmap.cellToolTip(0, 0).contains(QStringLiteral("after noise")));
    auto *map = qobject_cast<QCPColorMap *>(heatmap.findChild<QCustomPlot *>()->plottable(0));
    QVERIFY(map != nullptr);
    QCOMPARE(map->dataScaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(map->dataRange().lower, 0.002);
    QCOMPARE(map->dataRange().upper, 3.0);

    heatmap.setLogScale(false);
    QCOMPARE(map->dataScaleType(), QCPAxis::stLinear);
    QCOMPARE(map->dataRange().lower, -0.5);
}

void TestPlots::heatmapHoverReportsCell()
{
    SaliencyHeatmap heatmap;
    heatmap.setGrid(goldenGrid());
    heatmap.resize(720, 560);
    heatmap.show();
    QVERIFY(QTest::qWaitForWindowExposed(&heatmap));
    auto *plot = heatmap.findChild<QCustomPlot *>();
    plot->replot(QCustomPlot::rpImmediateRefresh);
    const QPoint centre(qRound(plot->xAxis->coordToPixel(5)), qRound(plot->yAxis->coordToPixel(2)));
    QCOMPARE(heatmap.cellAt(plot->mapTo(&heatmap, centre)), QPoint(5, 2));
    QCOMPARE(heatmap.cellAt(QPoint(1, 1)), QPoint(-1, -1));

    QSignalSpy spy(&heatmap, &SaliencyHeatmap::cellHovered);
    QTest::mouseMove(plot, centre);
    QTRY_COMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 2);
    QCOMPARE(spy.at(0).at(1).toInt(), 5);
    QEvent leave(QEvent::Leave);
    QCoreApplication::sendEvent(plot, &leave);
    QCOMPARE(spy.size(), 2);
    QCOMPARE(spy.at(1).at(0).toInt(), -1);
    QCOMPARE(spy.at(1).at(1).toInt(), -1);
}

void TestPlots::curvesCountPointsPerTrackAndMetric()
{
    MetricCurves curves;
    QCOMPARE(curves.trackCount(), 0);
    const int a = curves.addTrack(QStringLiteral("DP-SAPF"));
    const int b = curves.addTrack(QStringLiteral("DP-LoRA"));
    QCOMPARE(a, 0);
    QCOMPARE(b, 1);
    QCOMPARE(curves.trackCount(), 2);
    QCOMPARE(curves.trackName(b), QStringLiteral("DP-LoRA"));
    QVERIFY(curves.trackColour(a) != curves.trackColour(b));
    QVERIFY(curves.isPanelEmpty(CurveMetric::Loss));

    curves.appendPoints(a, CurveMetric::Loss, {1, 2, 3}, {0.3, 0.2, 0.1});
    curves.appendPoints(a, CurveMetric::Loss, {4, 5}, {0.1, 0.05});
    curves.appendPoints(b, CurveMetric::Epsilon, {1, 2, 3, 4}, {1, 2, 3}); // extra step dropped
    QCOMPARE(curves.pointCount(a, CurveMetric::Loss), 5);
    QCOMPARE(curves.pointCount(a, CurveMetric::Epsilon), 0);
    QCOMPARE(curves.pointCount(b, CurveMetric::Epsilon), 3);
    QCOMPARE(curves.pointCount(b, CurveMetric::Loss), 0);
    QCOMPARE(curves.pointCount(7, CurveMetric::Loss), 0);
    QVERIFY(!curves.isPanelEmpty(CurveMetric::Loss));
    QVERIFY(!curves.isPanelEmpty(CurveMetric::Epsilon));
    QVERIFY(curves.isPanelEmpty(CurveMetric::Fid));
    QVERIFY(curves.isPanelEmpty(CurveMetric::Accuracy));

    QTest::ignoreMessage(QtWarningMsg, "MetricCurves::appendPoints: unknown track 2");
    curves.appendPoints(2, CurveMetric::Fid, {1}, {50});
    QVERIFY(curves.isPanelEmpty(CurveMetric::Fid));
    curves.appendPoints(a, CurveMetric::Fid, {100}, {80.5});
    QVERIFY(!curves.isPanelEmpty(CurveMetric::Fid));

    curves.clearTracks();
    QCOMPARE(curves.trackCount(), 0);
    QCOMPARE(curves.pointCount(0, CurveMetric::Loss), 0);
    QVERIFY(curves.isPanelEmpty(CurveMetric::Loss));
    QCOMPARE(curves.addTrack(QStringLiteral("again")), 0);
}

void TestPlots::curvesEpsilonTargetLine()
{
    MetricCurves curves;
    auto *plot = curves.findChild<QCustomPlot *>();
    QCPItemStraightLine *line = nullptr;
    for (int i = 0; i < plot->itemCount(); ++i) {
        line = line ? line : qobject_cast<QCPItemStraightLine *>(plot->item(i));
    }
    QVERIFY(line != nullptr);
    QVERIFY(std::isnan(curves.epsilonTarget()));
    QVERIFY(!line->visible());

    const int track = curves.addTrack(QStringLiteral("run"));
    curves.appendPoints(track, CurveMetric::Epsilon, {10, 20, 30}, {1.0, 2.0, 3.0});
    curves.setEpsilonTarget(8.0);
    QCOMPARE(curves.epsilonTarget(), 8.0);
    QVERIFY(line->visible());
    QCOMPARE(line->point1->value(), 8.0);
    QCOMPARE(line->point2->value(), 8.0);
    const QCPRange epsilonRange = plot->axisRect(1)->axis(QCPAxis::atLeft)->range();
    QVERIFY(epsilonRange.contains(8.0));
    QVERIFY(epsilonRange.contains(1.0));

    curves.setEpsilonTarget(std::numeric_limits<double>::quiet_NaN());
    QVERIFY(!line->visible());
    QVERIFY(!plot->axisRect(1)->axis(QCPAxis::atLeft)->range().contains(8.0));
}

void TestPlots::curvesAppendQueuesOneReplot()
{
    MetricCurves curves;
    curves.resize(800, 560);
    curves.show();
    QVERIFY(QTest::qWaitForWindowExposed(&curves));
    auto *plot = curves.findChild<QCustomPlot *>();
    const int track = curves.addTrack(QStringLiteral("run"));
    QCoreApplication::processEvents();
    QSignalSpy replots(plot, &QCustomPlot::afterReplot);
    QElapsedTimer timer;
    timer.start();
    for (int chunk = 0; chunk < 200; ++chunk) {
        QVector<double> steps;
        QVector<double> values;
        for (int i = 0; i < 100; ++i) {
            steps.append(chunk * 100 + i);
            values.append(1.0 / (1.0 + chunk * 100 + i));
        }
        curves.appendPoints(track, CurveMetric::Loss, steps, values);
    }
    QCOMPARE(replots.size(), 0); // queued, not drawn per call
    QCOMPARE(curves.pointCount(track, CurveMetric::Loss), 20000);
    QTRY_COMPARE(replots.size(), 1);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    const QCPRange steps = plot->axisRect(0)->axis(QCPAxis::atBottom)->range();
    QCOMPARE(steps.lower, 0.0);
    QCOMPARE(steps.upper, 19999.0);
}

void TestPlots::goldenComparisonRejectsChanges()
{
    SaliencyHeatmap heatmap;
    heatmap.setGrid(goldenGrid());
    const QImage image = render(heatmap, QSize(720, 560));
    QVERIFY(!image.isNull());
    QVERIFY(imagesMatch(compareImages(image, image, 0), 0));

    // Within tolerance: every channel of a block off by 2.
    QImage nudged = image.convertToFormat(QImage::Format_ARGB32);
    for (int y = 100; y < 140; ++y) {
        for (int x = 300; x < 340; ++x) {
            const QRgb p = nudged.pixel(x, y);
            nudged.setPixel(x, y, qRgb(std::min(qRed(p) + 2, 255), qGreen(p), qBlue(p)));
        }
    }
    QVERIFY(imagesMatch(compareImages(nudged, image, kGoldenTolerance), 0));

    // A painted-over block, a different size and one more outlined cell are all rejected.
    QImage altered = image.convertToFormat(QImage::Format_ARGB32);
    for (int y = 100; y < 140; ++y) {
        for (int x = 300; x < 340; ++x) {
            altered.setPixel(x, y, qRgb(255, 0, 0));
        }
    }
    const ImageComparison blockComparison = compareImages(altered, image, kGoldenTolerance);
    QCOMPARE(blockComparison.differingPixels, 1600);
    QVERIFY(!imagesMatch(blockComparison, kGoldenMaxFailingPixels));
    QVERIFY(!imagesMatch(compareImages(image.copy(0, 0, 719, 560), image, kGoldenTolerance),
                         kGoldenMaxFailingPixels));

    SaliencyHeatmap changed;
    changed.setGrid(goldenGrid(1));
    const ImageComparison outlineComparison =
        compareImages(render(changed, QSize(720, 560)), image, kGoldenTolerance);
    QVERIFY2(!imagesMatch(outlineComparison, kGoldenMaxFailingPixels),
             qPrintable(QString::number(outlineComparison.differingPixels)));
}

void TestPlots::goldenImages_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<int>("tolerance");        // per channel
    QTest::addColumn<int>("maxFailingPixels"); // font rasterisation differs slightly by version

    QTest::newRow("heatmap linear") << QStringLiteral("heatmap_linear") << QSize(720, 560)
                                    << kGoldenTolerance << kGoldenMaxFailingPixels;
    QTest::newRow("heatmap log") << QStringLiteral("heatmap_log") << QSize(720, 560)
                                 << kGoldenTolerance << kGoldenMaxFailingPixels;
    QTest::newRow("curves two tracks") << QStringLiteral("curves_two_tracks") << QSize(800, 560)
                                       << kGoldenTolerance << kGoldenMaxFailingPixels;
}

void TestPlots::goldenImages()
{
    QFETCH(QString, name);
    QFETCH(QSize, size);
    QFETCH(int, tolerance);
    QFETCH(int, maxFailingPixels);
    if (!g_fontLoaded) {
        QSKIP("DejaVu Sans is not installed (fonts-dejavu-core)");
    }
    QLocale::setDefault(QLocale::c());

    std::unique_ptr<QWidget> widget;
    if (name.startsWith(QStringLiteral("heatmap"))) {
        auto heatmap = std::make_unique<SaliencyHeatmap>();
        heatmap->setGrid(goldenGrid());
        heatmap->setLogScale(name.endsWith(QStringLiteral("log")));
        widget = std::move(heatmap);
    } else {
        auto curves = std::make_unique<MetricCurves>();
        fillGoldenCurves(*curves);
        widget = std::move(curves);
    }
    const QImage image = render(*widget, size);
    QCOMPARE(image.size(), size);
    const QString problem = checkGolden(image, name, tolerance, maxFailingPixels);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

int main(int argc, char **argv)
{
    // Golden images need the same platform, style, palette and font everywhere.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qunsetenv("QT_SCALE_FACTOR");
    qunsetenv("QT_SCREEN_SCALE_FACTORS");
    QApplication app(argc, argv);
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(QApplication::style()->standardPalette());
    const int fontId = QFontDatabase::addApplicationFont(kFontPath);
    const QStringList families = QFontDatabase::applicationFontFamilies(fontId);
    g_fontLoaded = fontId >= 0 && !families.isEmpty();
    if (g_fontLoaded) {
        QFont font(families.first());
        font.setPixelSize(12);
        font.setHintingPreference(QFont::PreferNoHinting);
        QApplication::setFont(font);
    }
    TestPlots test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "test_plots.moc"
