// SPDX-License-Identifier: GPL-3.0-or-later
// Offscreen widget tests for the GUI shell: log model ring buffer, log panel filter, About text,
// and the main window rendering.
#include "dialogs/about_dialog.h"
#include "main_window.h"
#include "models/log_model.h"
#include "widgets/log_panel.h"

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

QTEST_MAIN(TestUi)
#include "test_ui.moc"
