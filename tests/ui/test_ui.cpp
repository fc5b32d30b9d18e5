// SPDX-License-Identifier: GPL-3.0-or-later
// Offscreen widget tests for the GUI shell: log model ring buffer, log panel filter, About text,
// and the main window rendering.
#include "dialogs/about_dialog.h"
#include "main_window.h"
#include "models/log_model.h"
#include "panels/compare_panel.h"
#include "panels/privacy_panel.h"
#include "panels/saliency_panel.h"
#include "panels/train_panel.h"
#include "plots/saliency_heatmap.h"
#include "widgets/log_panel.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTableWidget>

#include <QMenuBar>
#include <QtTest>

using namespace dpsapf::ui;

namespace {
LogEntry makeEntry(LogLevel level, const QString &message)
{
    return LogEntry{QDateTime::currentDateTime(), QStringLiteral("train"), level, message};
}
} // namespace

class TestUi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void logModelDropsOldestBeyondCapacity();
    void logModelPlainTextHasEveryRecord();
    void logPanelFiltersByLevel();
    void aboutTextShowsVersions();
    void mainWindowRendersWithMenusAndLog();
    void mainWindowNavigatesPanels();
    void privacyPanelKeepsDeltaBelowOneOverN();
    void privacyPanelWarnsForLargeEpsilonAndCollapseZone();
    void saliencyPanelPreviewsRatiosWithoutPrivacyCost();
    void trainPanelButtonsFollowTheState();
    void comparePanelShowsOneColumnPerRun();
};

void TestUi::logModelDropsOldestBeyondCapacity()
{
    LogModel model(3);
    for (int i = 0; i < 5; ++i) {
        model.append(makeEntry(LogLevel::Info, QStringLiteral("record %1").arg(i)));
    }
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.entry(0).message, QStringLiteral("record 2"));
    QCOMPARE(model.entry(2).message, QStringLiteral("record 4"));
    QCOMPARE(model.data(model.index(2, LogModel::MessageColumn)).toString(),
             QStringLiteral("record 4"));
    QCOMPARE(model.data(model.index(2, LogModel::ChannelColumn)).toString(),
             QStringLiteral("train"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestUi::logModelPlainTextHasEveryRecord()
{
    LogModel model;
    model.append(makeEntry(LogLevel::Warning, QStringLiteral("disk almost full")));
    model.append(makeEntry(LogLevel::Error, QStringLiteral("cannot write checkpoint")));
    const QString text = model.toPlainText();
    QCOMPARE(text.count(QLatin1Char('\n')), 2);
    QVERIFY(text.contains(QStringLiteral("[train] disk almost full")));
    QVERIFY(text.contains(QStringLiteral("cannot write checkpoint")));
}

void TestUi::logPanelFiltersByLevel()
{
    LogModel model;
    LogPanel panel(&model);
    model.append(makeEntry(LogLevel::Debug, QStringLiteral("d")));
    model.append(makeEntry(LogLevel::Info, QStringLiteral("i")));
    model.append(makeEntry(LogLevel::Warning, QStringLiteral("w")));
    model.append(makeEntry(LogLevel::Error, QStringLiteral("e")));
    QCOMPARE(panel.visibleRowCount(), 3); // default: info and above
    panel.setMinimumLevelIndex(0);
    QCOMPARE(panel.visibleRowCount(), 4);
    panel.setMinimumLevelIndex(2);
    QCOMPARE(panel.visibleRowCount(), 2);
    panel.setMinimumLevelIndex(3);
    QCOMPARE(panel.visibleRowCount(), 1);
}

void TestUi::aboutTextShowsVersions()
{
    EngineInfo engine{QStringLiteral("9.8.7"), QStringLiteral("1.13.0"), QStringLiteral("cpu"), 2,
                      QString()};
    const QString text = AboutDialog::aboutText(engine);
    QVERIFY(text.contains(QStringLiteral("9.8.7")));
    QVERIFY(text.contains(QStringLiteral("1.13.0")));
    QVERIFY(text.contains(QLatin1String(qVersion())));
    QVERIFY(text.contains(QStringLiteral("cpu")));
}

void TestUi::mainWindowRendersWithMenusAndLog()
{
    LogModel model;
    model.append(makeEntry(LogLevel::Info, QStringLiteral("started")));
    MainWindow window(&model, EngineInfo{QStringLiteral("0.1.0"), QStringLiteral("1.13.0"),
                                         QStringLiteral("cpu"), 2, QString()});
    window.resize(800, 500);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.menuBar()->actions().size(), 3); // File, View, Help
    QCOMPARE(window.logPanel()->visibleRowCount(), 1);
    const QImage image = window.grab().toImage();
    QCOMPARE(image.size(), QSize(800, 500));
    // Not a blank image: the menu bar, table header and text draw in several colours.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7) {
            colours.insert(image.pixel(x, y));
        }
    }
    QVERIFY2(colours.size() > 3, qPrintable(QString::number(colours.size())));
}

void TestUi::mainWindowNavigatesPanels()
{
    LogModel model;
    MainWindow window(&model, EngineInfo{});
    auto *first = new QWidget;
    auto *second = new QWidget;
    window.addPanel(QStringLiteral("data"), QStringLiteral("Data"), first);
    window.addPanel(QStringLiteral("train"), QStringLiteral("Train"), second);
    QSignalSpy changed(&window, &MainWindow::currentPanelChanged);
    QCOMPARE(window.currentPanelId(), QStringLiteral("data"));
    window.showPanel(QStringLiteral("train"));
    QCOMPARE(window.currentPanelId(), QStringLiteral("train"));
    QCOMPARE(changed.count(), 1);
    window.showPanel(QStringLiteral("nonexistent"));
    QCOMPARE(window.currentPanelId(), QStringLiteral("train"));
    QCOMPARE(window.panelIds(), QStringList({QStringLiteral("data"), QStringLiteral("train")}));
}

void TestUi::privacyPanelKeepsDeltaBelowOneOverN()
{
    PrivacyPanel panel;
    panel.setRecordCount(1000);
    PrivacyInputs inputs = panel.inputs();
    inputs.delta = 0.5; // far above 1/N
    panel.setInputs(inputs);
    QVERIFY2(panel.inputs().delta < 1.0 / 1000, qPrintable(QString::number(panel.inputs().delta)));
    // The slider's top end is still below 1/N.
    auto *delta = panel.findChildren<QSlider *>().at(1);
    delta->setValue(delta->maximum());
    QVERIFY(panel.inputs().delta < 1.0 / 1000);
    QVERIFY(panel.inputs().delta > 0.0);
    // 1e-5 is offered only while it is below 1/N.
    QPushButton *fixed = nullptr;
    for (QPushButton *button : panel.findChildren<QPushButton *>()) {
        if (button->text() == QStringLiteral("1e-5")) {
            fixed = button;
        }
    }
    QVERIFY(fixed != nullptr);
    QVERIFY(fixed->isEnabled());
    panel.setRecordCount(200000); // 1/N = 5e-6 < 1e-5
    QVERIFY(!fixed->isEnabled());
    // The rule button returns to 1/(N ln N), sent as 0.
    QSignalSpy changed(&panel, &PrivacyPanel::inputsChanged);
    for (QPushButton *button : panel.findChildren<QPushButton *>()) {
        if (button->text() == QStringLiteral("1/(N ln N)")) {
            button->click();
        }
    }
    QVERIFY(changed.count() >= 1);
    QCOMPARE(changed.last().first().value<PrivacyInputs>().delta, 0.0);
}

void TestUi::privacyPanelWarnsForLargeEpsilonAndCollapseZone()
{
    PrivacyPanel panel;
    panel.setRecordCount(55000);
    PrivacyInputs inputs;
    inputs.epsilon = 40.0;
    inputs.ratio = 0.7;
    panel.setInputs(inputs);
    QCOMPARE(panel.inputs().epsilon, 40.0);
    QCOMPARE(panel.inputs().ratio, 0.7);
    PrivacyPreview preview;
    preview.records = 55000;
    preview.sigma = 0.1234;
    preview.accountant = QStringLiteral("PRV");
    preview.final = true;
    panel.showPreview(preview);
    QVERIFY(panel.previewText().contains(QStringLiteral("0.1234")));
    QVERIFY(panel.previewText().contains(QStringLiteral("ε above 10")));
    QVERIFY(panel.previewText().contains(QStringLiteral("c ≥ 0.6")));
    inputs.epsilon = 8.0;
    inputs.ratio = 0.3;
    panel.setInputs(inputs);
    panel.showPreview(preview);
    QVERIFY(!panel.previewText().contains(QStringLiteral("⚠")));
    PrivacyPreview failed;
    failed.error = QStringLiteral("privacy.epsilon: budget too low for the probe");
    panel.showPreview(failed);
    QVERIFY(panel.previewText().contains(QStringLiteral("budget too low")));
}

void TestUi::saliencyPanelPreviewsRatiosWithoutPrivacyCost()
{
    SaliencyPanel panel;
    QVector<SaliencyEntry> entries;
    const QStringList projections = {QStringLiteral("to_q"), QStringLiteral("to_k"),
                                     QStringLiteral("to_v"), QStringLiteral("to_out.0")};
    for (int block = 0; block < 2; ++block) {
        for (const QString &attention : {QStringLiteral("attn1"), QStringLiteral("attn2")}) {
            for (const QString &projection : projections) {
                SaliencyEntry entry;
                entry.key = QStringLiteral("down_blocks.0.attentions.%1.transformer_blocks.0.%2.%3")
                                .arg(block)
                                .arg(attention, projection);
                entry.score = entries.size();
                entry.rank = 16 - static_cast<int>(entries.size());
                entry.selected = entry.rank <= 4;
                entries.append(entry);
            }
        }
    }
    QSignalSpy previewed(&panel, &SaliencyPanel::ratioPreviewed);
    QSignalSpy applied(&panel, &SaliencyPanel::ratioApplied);
    panel.setAppliedRatio(0.25);
    panel.showScores(entries, 0.25, QStringLiteral("σ_s = 5"), true);
    QCOMPARE(panel.heatmap()->grid().rows(), 2);
    QCOMPARE(panel.heatmap()->grid().selectedCount(), 4);
    QVERIFY(panel.statusText().contains(QStringLiteral("costs no privacy")));
    QCOMPARE(previewed.count(), 0);             // showing scores is not a user preview
    panel.findChild<QSlider *>()->setValue(45); // c = 0.5
    QCOMPARE(previewed.count(), 1);
    QCOMPARE(previewed.last().first().toDouble(), 0.5);
    QPushButton *apply = nullptr;
    for (QPushButton *button : panel.findChildren<QPushButton *>()) {
        if (button->text().contains(QStringLiteral("Apply"))) {
            apply = button;
        }
    }
    QVERIFY(apply != nullptr && apply->isEnabled());
    apply->click();
    QCOMPARE(applied.count(), 1);
    // Once training started, the selection is fixed.
    panel.showScores(entries, 0.5, QStringLiteral("σ_s = 5"), false);
    QVERIFY(!apply->isEnabled());
}

void TestUi::trainPanelButtonsFollowTheState()
{
    TrainPanel panel;
    auto button = [&panel](const QString &text) {
        for (QPushButton *candidate : panel.findChildren<QPushButton *>()) {
            if (candidate->text().remove(QLatin1Char('&')) == text) {
                return candidate;
            }
        }
        return static_cast<QPushButton *>(nullptr);
    };
    panel.setState(TrainPanel::State::Ready);
    QVERIFY(button(QStringLiteral("Start"))->isEnabled());
    QVERIFY(!button(QStringLiteral("Stop now"))->isEnabled());
    panel.setState(TrainPanel::State::Running);
    QVERIFY(!button(QStringLiteral("Start"))->isEnabled());
    QSignalSpy paused(&panel, &TrainPanel::pauseRequested);
    button(QStringLiteral("Pause"))->click();
    QCOMPARE(paused.count(), 1);
    QCOMPARE(paused.first().first().toBool(), true);
    panel.setState(TrainPanel::State::Paused);
    QVERIFY(button(QStringLiteral("Resume")) != nullptr);
    panel.setState(TrainPanel::State::Stopping);
    QVERIFY(!button(QStringLiteral("Stop after checkpoint"))->isEnabled());
    QVERIFY(button(QStringLiteral("Stop now"))->isEnabled());
    panel.setState(TrainPanel::State::Running);
    panel.showProgress(QStringLiteral("train"), 5, 20, 75.0, 0.125, 3.5);
    QVERIFY(panel.progressText().contains(QStringLiteral("5 / 20")));
    QVERIFY(panel.progressText().contains(QStringLiteral("1 min 15 s")));
    QVERIFY(panel.progressText().contains(QStringLiteral("3.500")));
}

void TestUi::comparePanelShowsOneColumnPerRun()
{
    ComparePanel panel;
    panel.setRowNames({QStringLiteral("Variant"), QStringLiteral("ε spent (PRV)")});
    QImage samples(30, 40, QImage::Format_RGB32);
    samples.fill(Qt::gray);
    panel.setColumns({{QStringLiteral("/runs/a"),
                       QStringLiteral("a (dp-sapf)"),
                       {QStringLiteral("dp-sapf"), QStringLiteral("9.994")},
                       samples},
                      {QStringLiteral("/runs/b"),
                       QStringLiteral("b (dp-lora)"),
                       {QStringLiteral("dp-lora"), QStringLiteral("9.994")},
                       QImage()}});
    QCOMPARE(panel.table()->columnCount(), 2);
    QCOMPARE(panel.table()->rowCount(), 2);
    QCOMPARE(panel.table()->item(0, 1)->text(), QStringLiteral("dp-lora"));
    QSignalSpy removed(&panel, &ComparePanel::removeRunRequested);
    panel.table()->setCurrentCell(0, 1);
    for (QPushButton *button : panel.findChildren<QPushButton *>()) {
        if (button->text().contains(QStringLiteral("Remove"))) {
            button->click();
        }
    }
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.first().first().toString(), QStringLiteral("/runs/b"));
}

QTEST_MAIN(TestUi)
#include "test_ui.moc"
