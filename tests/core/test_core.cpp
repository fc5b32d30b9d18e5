// SPDX-License-Identifier: GPL-3.0-or-later
// Core foundation tests: runtime facts from LibTorch, compute threads, named loggers and sinks.
#include "dpsapf/core/logging.h"
#include "dpsapf/core/runtime_info.h"
#include "dpsapf/core/version.h"

#include <spdlog/sinks/ostream_sink.h>

#include <QRegularExpression>
#include <QtTest>

#include <set>
#include <sstream>
#include <string>

using namespace dpsapf::core;

class TestCore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionIsSemantic();
    void runtimeInfoReportsLibTorch();
    void computeThreadsAreApplied();
    void loggerChannelsHaveDistinctNames();
    void installedSinksReceiveEveryChannel();
};

void TestCore::versionIsSemantic()
{
    const QString version = QString::fromLatin1(kVersion);
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d+\\.\\d+\\.\\d+$")).match(version).hasMatch(),
             qPrintable(version));
}

void TestCore::runtimeInfoReportsLibTorch()
{
    const RuntimeInfo info = queryRuntimeInfo();
    // Debian bookworm ships LibTorch 1.13; a CUDA build uses an upstream 2.x.
    QVERIFY2(QRegularExpression(QStringLiteral("^[12]\\.\\d+"))
                 .match(QString::fromStdString(info.libTorchVersion))
                 .hasMatch(),
             info.libTorchVersion.c_str());
    QVERIFY(info.intraOpThreads >= 1);
    QVERIFY(info.cudaDeviceCount >= 0);
    if (info.cudaDeviceCount == 0) {
        QCOMPARE(info.defaultDevice(), std::string("cpu"));
    } else {
        QVERIFY(info.defaultDevice().rfind("cuda", 0) == 0);
    }
}

void TestCore::computeThreadsAreApplied()
{
    QCOMPARE(configureComputeThreads(1), 1);
    QCOMPARE(queryRuntimeInfo().intraOpThreads, 1);
    QCOMPARE(configureComputeThreads(2), 2);
    QCOMPARE(queryRuntimeInfo().intraOpThreads, 2);
    // 0 means "all hardware threads".
    QVERIFY(configureComputeThreads(0) >= 1);
}

void TestCore::loggerChannelsHaveDistinctNames()
{
    std::set<std::string> names;
    for (const LogChannel channel : allLogChannels()) {
        const std::string name(logChannelName(channel));
        QVERIFY(!name.empty());
        QCOMPARE(logger(channel)->name(), name);
        names.insert(name);
    }
    QCOMPARE(names.size(), allLogChannels().size());
    for (const char *required : {"probe", "train", "privacy", "io", "data", "sample", "eval"}) {
        QVERIFY2(names.count(required) == 1, required);
    }
}

void TestCore::installedSinksReceiveEveryChannel()
{
    std::ostringstream captured;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
    sink->set_pattern("%n|%l|%v");
    installLogSinks({sink}, spdlog::level::info);
    for (const LogChannel channel : allLogChannels()) {
        logger(channel)->info("hello from {}", logChannelName(channel));
    }
    logger(LogChannel::Train)->debug("below the installed level");
    const std::string text = captured.str();
    for (const LogChannel channel : allLogChannels()) {
        const std::string name(logChannelName(channel));
        QVERIFY2(text.find(name + "|info|hello from " + name) != std::string::npos, text.c_str());
    }
    QVERIFY(text.find("below the installed level") == std::string::npos);
    installLogSinks({}, spdlog::level::info);
}

QTEST_GUILESS_MAIN(TestCore)
#include "test_core.moc"
