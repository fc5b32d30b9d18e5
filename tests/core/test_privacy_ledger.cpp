// SPDX-License-Identifier: GPL-3.0-or-later
// Privacy ledger: recording, merging, the budget cap, both accountants, save/resume, bad files.
#include "dpsapf/core/privacy_ledger.h"

#include "test_registry.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace dpsapf::core;

namespace {
const LedgerEntry kProbe{"probe", {5.0, 1.0, 1}, "C^2 = 1"};
LedgerEntry trainingStep(double sigma)
{
    return {"dp-sgd", {sigma, 0.05, 1}, "1 (automatic clipping)"};
}
} // namespace

class TestPrivacyLedger final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordsAndMergesSteps();
    void capIsNeverExceeded();
    void reservationMatchesStepByStepChecks();
    void reportsBothAccountants();
    void saveAndResume();
    void badFilesAreClearErrors();
    void failedWriteKeepsThePreviousLedger();
};

void TestPrivacyLedger::recordsAndMergesSteps()
{
    PrivacyLedger ledger({1e-5, 10.0, AccountantKind::Rdp});
    QVERIFY(ledger.record(kProbe).hasValue());
    for (int step = 0; step < 5; ++step) {
        QVERIFY(ledger.record(trainingStep(1.2)).hasValue());
    }
    QCOMPARE(ledger.entries().size(), std::size_t(2));
    QCOMPARE(ledger.entries()[1].mechanism.count, std::int64_t(5));
    QCOMPARE(ledger.history(), (PrivacyHistory{{5.0, 1.0, 1}, {1.2, 0.05, 5}}));
}

void TestPrivacyLedger::capIsNeverExceeded()
{
    PrivacyLedger ledger({1e-5, 2.0, AccountantKind::Rdp});
    int recorded = 0;
    for (int step = 0; step < 1000; ++step) {
        const auto result = ledger.record(trainingStep(1.0));
        if (!result) {
            QCOMPARE(result.error().code, ErrorCode::Unreachable);
            QVERIFY(result.error().message.find("cap") != std::string::npos);
            break;
        }
        ++recorded;
    }
    QVERIFY2(recorded > 0 && recorded < 1000, qPrintable(QString::number(recorded)));
    QVERIFY(ledger.epsilon(AccountantKind::Rdp)->epsilon <= 2.0);
    // The refused step left the ledger unchanged.
    QCOMPARE(ledger.history().back().count, std::int64_t(recorded));
}

void TestPrivacyLedger::reservationMatchesStepByStepChecks()
{
    PrivacyLedger checked({1e-5, 2.0, AccountantKind::Rdp});
    int stepwise = 0;
    while (checked.record(trainingStep(1.0)).hasValue()) {
        ++stepwise;
    }
    PrivacyLedger reserved({1e-5, 2.0, AccountantKind::Rdp});
    const auto allowance = reserved.reserveReleases({1.0, 0.05, 1}, 100000);
    QVERIFY(allowance.hasValue());
    QCOMPARE(allowance.value(), std::int64_t(stepwise));
    for (std::int64_t step = 0; step < allowance.value(); ++step) {
        QVERIFY(reserved.record(trainingStep(1.0)).hasValue());
    }
    // Past the reservation the accountant is consulted again, and refuses.
    QVERIFY(!reserved.record(trainingStep(1.0)).hasValue());
    QVERIFY(reserved.epsilon(AccountantKind::Rdp)->epsilon <= 2.0);
}

void TestPrivacyLedger::reportsBothAccountants()
{
    PrivacyLedger ledger({1e-5, 8.0, AccountantKind::Prv});
    QVERIFY(ledger.record(kProbe).hasValue());
    QVERIFY(ledger.record({"dp-sgd", {1.5, 0.04, 500}, "1"}).hasValue());
    const auto rdp = ledger.epsilon(AccountantKind::Rdp);
    const auto prv = ledger.epsilon(AccountantKind::Prv);
    QVERIFY(rdp.hasValue() && prv.hasValue());
    QVERIFY(prv->epsilon < rdp->epsilon); // PRV is the tighter bound
    const nlohmann::json json = ledger.toJson();
    QCOMPARE(json.at("epsilon").at("rdp").at("accountant").get<std::string>(), std::string("rdp"));
    QCOMPARE(json.at("epsilon").at("prv").at("epsilon").get<double>(), prv->epsilon);
    QCOMPARE(json.at("events").size(), std::size_t(2));
}

void TestPrivacyLedger::saveAndResume()
{
    QTemporaryDir dir;
    const std::filesystem::path path = dir.filePath(QStringLiteral("ledger.json")).toStdString();
    PrivacyLedger ledger({1e-6, 5.0, AccountantKind::Rdp});
    QVERIFY(ledger.record(kProbe).hasValue());
    QVERIFY(ledger.record({"dp-sgd", {1.1, 0.02, 40}, "1"}).hasValue());
    QVERIFY(ledger.save(path).hasValue());
    QVERIFY(!std::filesystem::exists(path.string() + ".tmp"));

    auto resumed = PrivacyLedger::load(path);
    QVERIFY2(resumed.hasValue(), resumed ? "" : resumed.error().message.c_str());
    QCOMPARE(resumed->history(), ledger.history());
    QCOMPARE(resumed->config().epsilonCap, 5.0);
    QCOMPARE(resumed->epsilon(AccountantKind::Rdp)->epsilon,
             ledger.epsilon(AccountantKind::Rdp)->epsilon);
    // Resuming continues the same budget: further steps merge into the restored entry.
    QVERIFY(resumed.value().record({"dp-sgd", {1.1, 0.02, 1}, "1"}).hasValue());
    QCOMPARE(resumed->history().back().count, std::int64_t(41));
}

void TestPrivacyLedger::badFilesAreClearErrors()
{
    QTemporaryDir dir;
    const auto write = [&](const char *name, const std::string &text) {
        const std::filesystem::path path = dir.filePath(QString::fromLatin1(name)).toStdString();
        std::ofstream(path) << text;
        return path;
    };
    const auto missing =
        PrivacyLedger::load(dir.filePath(QStringLiteral("absent.json")).toStdString());
    QVERIFY(!missing.hasValue());
    QCOMPARE(missing.error().code, ErrorCode::Io);
    QVERIFY(missing.error().message.find("absent.json") != std::string::npos);

    const auto garbage = PrivacyLedger::load(write("garbage.json", "{ not json"));
    QVERIFY(!garbage.hasValue());
    QVERIFY(garbage.error().message.find("garbage.json") != std::string::npos);

    nlohmann::json valid = PrivacyLedger({1e-5, 3.0, AccountantKind::Rdp}).toJson();
    nlohmann::json negative = valid;
    negative["events"] = {
        {{"kind", "dp-sgd"}, {"noise_multiplier", -1.0}, {"sample_rate", 0.1}, {"count", 3}}};
    const auto badEvent = PrivacyLedger::load(write("negative.json", negative.dump()));
    QVERIFY(!badEvent.hasValue());
    QVERIFY(badEvent.error().message.find("noise multiplier") != std::string::npos);

    nlohmann::json noDelta = valid;
    noDelta.erase("delta");
    const auto withoutDelta = PrivacyLedger::load(write("nodelta.json", noDelta.dump()));
    QVERIFY(!withoutDelta.hasValue());
    QVERIFY(withoutDelta.error().message.find("delta") != std::string::npos);
}

void TestPrivacyLedger::failedWriteKeepsThePreviousLedger()
{
    QTemporaryDir dir;
    const std::filesystem::path path = dir.filePath(QStringLiteral("ledger.json")).toStdString();
    PrivacyLedger ledger({1e-5, 5.0, AccountantKind::Rdp});
    QVERIFY(ledger.record(kProbe).hasValue());
    QVERIFY(ledger.save(path).hasValue());
    // A directory where the temporary file should go makes the write fail.
    std::filesystem::create_directory(path.string() + ".tmp");
    QVERIFY(ledger.record({"dp-sgd", {1.0, 0.1, 10}, "1"}).hasValue());
    const auto failed = ledger.save(path);
    QVERIFY(!failed.hasValue());
    QCOMPARE(failed.error().code, ErrorCode::Io);
    const auto previous = PrivacyLedger::load(path);
    QVERIFY(previous.hasValue());
    QCOMPARE(previous->history().size(), std::size_t(1));
}

DPSAPF_REGISTER_TEST(TestPrivacyLedger)
#include "test_privacy_ledger.moc"
