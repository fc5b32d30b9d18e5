// SPDX-License-Identifier: GPL-3.0-or-later
// App wiring tests: the log bridge across threads, command-line parsing, and the two executables
// (exit codes, --version, --screenshot).
#include "gui/gui_command_line.h"
#include "gui/log_bridge.h"
#include "models/log_model.h"

#include "dpsapf/core/logging.h"
#include "dpsapf/core/npy.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTranslator>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <thread>

using namespace dpsapf;

namespace {

struct ProcessResult {
    int exitCode = -1;
    QString out;
    QString err;
};

ProcessResult runProgram(const QString &program, const QStringList &arguments,
                         const QString &home = {}, int timeoutMs = 60000)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!home.isEmpty()) {
        environment.insert(QStringLiteral("HOME"), home);
        environment.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    }
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        return {};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

const QString kCli = QStringLiteral(DPSAPF_CLI_PATH);
const QString kSdTiny = QStringLiteral(DPSAPF_TEST_DATA_DIR "/sd-tiny");

// Float32 .npy contents (the test fails on anything else).
std::vector<float> readFloats(const QString &path)
{
    const auto tensor = core::readNpy(path.toStdString());
    if (!tensor || tensor->dtype != core::TensorDType::F32) {
        return {};
    }
    std::vector<float> values(static_cast<std::size_t>(tensor->numel()));
    std::memcpy(values.data(), tensor->bytes.data(), values.size() * sizeof(float));
    return values;
}
const QString kGui = QStringLiteral(DPSAPF_GUI_PATH);

} // namespace

class TestApp final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void logBridgeDeliversRecordsFromWorkerThreads();
    void guiCommandLineRejectsUnknownOptions();
    void guiCommandLineParsesScreenshotAndThreads();
    void cliVersionAndHelp();
    void cliUsageErrorsExitWithTwo_data();
    void cliUsageErrorsExitWithTwo();
    void cliInfoJson();
    void cliPrivacyEpsilonMatchesOpacus();
    void cliPrivacyNoiseCalibrates();
    void cliPrivacyInvalidValues_data();
    void cliPrivacyInvalidValues();
    void cliPrivacyUnreachableTargetFails();
    void cliRunSmokePreset();
    void cliGenerateFromPublicModelMatchesDiffusers();
    void cliGenerateAndInspectRefuseBadInput_data();
    void cliGenerateAndInspectRefuseBadInput();
    void cliModelInspectListsTheMatrices();
    void cliRunSmokePresetWithStableDiffusion();
    void cliRunRejectsBadConfig_data();
    void cliRunRejectsBadConfig();
    void guiVersionAndUsageError();
    void guiScreenshotWritesPng();
    void translationsAreEmbedded_data();
    void translationsAreEmbedded();
    void windowIconIsEmbedded();
};

void TestApp::logBridgeDeliversRecordsFromWorkerThreads()
{
    auto sink = std::make_shared<app::LogBridgeSink>();
    ui::LogModel model;
    connect(sink->bridge(), &app::LogBridge::recordLogged, &model, &ui::LogModel::append);
    core::installLogSinks({sink}, spdlog::level::debug);

    std::thread worker([] {
        core::logger(core::LogChannel::Train)->info("step {} done", 7);
        core::logger(core::LogChannel::Privacy)->warn("budget {}% spent", 90);
    });
    worker.join();
    // Queued into this (the GUI) thread: nothing arrives before the event loop runs.
    QCOMPARE(model.rowCount(), 0);
    QTRY_COMPARE(model.rowCount(), 2);
    QCOMPARE(model.entry(0).channel, QStringLiteral("train"));
    QCOMPARE(model.entry(0).message, QStringLiteral("step 7 done"));
    QCOMPARE(model.entry(1).level, ui::LogLevel::Warning);
    QCOMPARE(model.entry(1).channel, QStringLiteral("privacy"));
    core::installLogSinks({}, spdlog::level::info);
}

void TestApp::guiCommandLineRejectsUnknownOptions()
{
    const auto parsed =
        app::parseGuiCommandLine({QStringLiteral("dpsapf-studio"), QStringLiteral("--bogus")});
    QCOMPARE(parsed.action, app::GuiCommandLine::Action::UsageError);
    QVERIFY(parsed.errorText.contains(QStringLiteral("bogus")));
    const auto badThreads = app::parseGuiCommandLine(
        {QStringLiteral("dpsapf-studio"), QStringLiteral("--threads"), QStringLiteral("x")});
    QCOMPARE(badThreads.action, app::GuiCommandLine::Action::UsageError);
    QVERIFY(badThreads.errorText.contains(QStringLiteral("--threads")));
}

void TestApp::guiCommandLineParsesScreenshotAndThreads()
{
    const auto parsed = app::parseGuiCommandLine(
        {QStringLiteral("dpsapf-studio"), QStringLiteral("--screenshot"),
         QStringLiteral("/tmp/x.png"), QStringLiteral("--threads"), QStringLiteral("3")});
    QCOMPARE(parsed.action, app::GuiCommandLine::Action::Run);
    QCOMPARE(parsed.screenshotPath, QStringLiteral("/tmp/x.png"));
    QCOMPARE(parsed.computeThreads, 3);

    const auto panel = app::parseGuiCommandLine(
        {QStringLiteral("dpsapf-studio"), QStringLiteral("--panel"), QStringLiteral("saliency"),
         QStringLiteral("--run"), QStringLiteral("/runs/a")});
    QCOMPARE(panel.action, app::GuiCommandLine::Action::Run);
    QCOMPARE(panel.panel, QStringLiteral("saliency"));
    QCOMPARE(panel.runFolder, QStringLiteral("/runs/a"));
    const auto badPanel = app::parseGuiCommandLine(
        {QStringLiteral("dpsapf-studio"), QStringLiteral("--panel"), QStringLiteral("heatmap")});
    QCOMPARE(badPanel.action, app::GuiCommandLine::Action::UsageError);
    QVERIFY(badPanel.errorText.contains(QStringLiteral("saliency")));
}

void TestApp::cliVersionAndHelp()
{
    QTemporaryDir home;
    const ProcessResult version = runProgram(kCli, {QStringLiteral("--version")}, home.path());
    QCOMPARE(version.exitCode, 0);
    QVERIFY2(version.out.startsWith(QStringLiteral("dpsapf 0.")), qPrintable(version.out));
    QVERIFY(version.out.contains(QStringLiteral("LibTorch")));
    const ProcessResult help = runProgram(kCli, {QStringLiteral("--help")}, home.path());
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains(QStringLiteral("info")));
    QVERIFY(help.out.contains(QStringLiteral("dpsapf-studio")));
}

void TestApp::cliUsageErrorsExitWithTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("unknown flag") << QStringList{QStringLiteral("--bogus")};
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")};
    QTest::newRow("bad threads") << QStringList{QStringLiteral("--threads"), QStringLiteral("-3"),
                                                QStringLiteral("info")};
    QTest::newRow("unknown subcommand flag")
        << QStringList{QStringLiteral("info"), QStringLiteral("--yaml")};
}

void TestApp::cliUsageErrorsExitWithTwo()
{
    QFETCH(QStringList, arguments);
    QTemporaryDir home;
    const ProcessResult result = runProgram(kCli, arguments, home.path());
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(!result.err.isEmpty(), "a usage error explains itself on stderr");
}

void TestApp::cliInfoJson()
{
    QTemporaryDir home;
    const ProcessResult result = runProgram(kCli,
                                            {QStringLiteral("--threads"), QStringLiteral("1"),
                                             QStringLiteral("info"), QStringLiteral("--json")},
                                            home.path());
    QCOMPARE(result.exitCode, 0);
    const QJsonObject info = QJsonDocument::fromJson(result.out.toUtf8()).object();
    QCOMPARE(info.value(QStringLiteral("intra_op_threads")).toInt(), 1);
    QVERIFY(
        info.value(QStringLiteral("libtorch_version"))
            .toString()
            .startsWith(QStringLiteral("1.")) ||
        info.value(QStringLiteral("libtorch_version")).toString().startsWith(QStringLiteral("2.")));
    QCOMPARE(info.value(QStringLiteral("log_directory")).toString(),
             home.path() + QStringLiteral("/data/dpsapf-studio/logs"));
    // The command logs into the user's data directory.
    QVERIFY(QFileInfo::exists(home.path() + QStringLiteral("/data/dpsapf-studio/logs/dpsapf.log")));
}

void TestApp::cliPrivacyEpsilonMatchesOpacus()
{
    QTemporaryDir home;
    const QStringList common{QStringLiteral("privacy"),
                             QStringLiteral("epsilon"),
                             QStringLiteral("--noise-multiplier"),
                             QStringLiteral("1.5"),
                             QStringLiteral("--sample-rate"),
                             QStringLiteral("0.04"),
                             QStringLiteral("--delta"),
                             QStringLiteral("1e-5"),
                             QStringLiteral("--json")};
    const ProcessResult rdp =
        runProgram(kCli,
                   common + QStringList{QStringLiteral("--steps"), QStringLiteral("2250"),
                                        QStringLiteral("--accountant"), QStringLiteral("rdp")},
                   home.path());
    QCOMPARE(rdp.exitCode, 0);
    const QJsonObject rdpJson = QJsonDocument::fromJson(rdp.out.toUtf8()).object();
    QVERIFY(std::abs(rdpJson.value(QStringLiteral("epsilon")).toDouble() - 7.32911117143) < 5e-8);
    QCOMPARE(rdpJson.value(QStringLiteral("accountant")).toString(), QStringLiteral("rdp"));
    QCOMPARE(rdpJson.value(QStringLiteral("delta")).toDouble(), 1e-5);

    const ProcessResult prv = runProgram(
        kCli, common + QStringList{QStringLiteral("--steps"), QStringLiteral("2249")}, home.path());
    QCOMPARE(prv.exitCode, 0);
    const QJsonObject prvJson = QJsonDocument::fromJson(prv.out.toUtf8()).object();
    QCOMPARE(prvJson.value(QStringLiteral("accountant")).toString(), QStringLiteral("prv"));
    QVERIFY(std::abs(prvJson.value(QStringLiteral("epsilon")).toDouble() - 6.777395712150674) <
            5e-8);

    const ProcessResult withProbe =
        runProgram(kCli,
                   common + QStringList{QStringLiteral("--steps"), QStringLiteral("2249"),
                                        QStringLiteral("--probe-noise"), QStringLiteral("5"),
                                        QStringLiteral("--probe-sample-rate"), QStringLiteral("1")},
                   home.path());
    QCOMPARE(withProbe.exitCode, 0);
    const QJsonObject probeJson = QJsonDocument::fromJson(withProbe.out.toUtf8()).object();
    QVERIFY(probeJson.value(QStringLiteral("epsilon")).toDouble() >
            prvJson.value(QStringLiteral("epsilon")).toDouble());
    QCOMPARE(probeJson.value(QStringLiteral("probe"))
                 .toObject()
                 .value(QStringLiteral("noise_multiplier"))
                 .toDouble(),
             5.0);
}

void TestApp::cliPrivacyNoiseCalibrates()
{
    QTemporaryDir home;
    const ProcessResult result = runProgram(
        kCli,
        {QStringLiteral("privacy"), QStringLiteral("noise"), QStringLiteral("--target-epsilon"),
         QStringLiteral("8"), QStringLiteral("--delta"), QStringLiteral("1e-5"),
         QStringLiteral("--sample-rate"), QStringLiteral("0.04"), QStringLiteral("--steps"),
         QStringLiteral("2250"), QStringLiteral("--accountant"), QStringLiteral("rdp"),
         QStringLiteral("--json")},
        home.path());
    QCOMPARE(result.exitCode, 0);
    const QJsonObject json = QJsonDocument::fromJson(result.out.toUtf8()).object();
    QVERIFY(std::abs(json.value(QStringLiteral("noise_multiplier")).toDouble() - 1.416) < 5e-5);
    QVERIFY(json.value(QStringLiteral("epsilon")).toDouble() <= 8.0);
    QCOMPARE(json.value(QStringLiteral("accountant")).toString(), QStringLiteral("rdp"));
}

void TestApp::cliPrivacyInvalidValues_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("value");
    QTest::newRow("q > 1") << QStringLiteral("--sample-rate") << QStringLiteral("1.5");
    QTest::newRow("q = 0") << QStringLiteral("--sample-rate") << QStringLiteral("0");
    QTest::newRow("q NaN") << QStringLiteral("--sample-rate") << QStringLiteral("nan");
    QTest::newRow("sigma < 0") << QStringLiteral("--noise-multiplier") << QStringLiteral("-1");
    QTest::newRow("sigma inf") << QStringLiteral("--noise-multiplier") << QStringLiteral("inf");
    QTest::newRow("delta 1") << QStringLiteral("--delta") << QStringLiteral("1");
    QTest::newRow("delta 0") << QStringLiteral("--delta") << QStringLiteral("0");
    QTest::newRow("steps 0") << QStringLiteral("--steps") << QStringLiteral("0");
    QTest::newRow("steps text") << QStringLiteral("--steps") << QStringLiteral("many");
    QTest::newRow("accountant") << QStringLiteral("--accountant") << QStringLiteral("gdp");
}

void TestApp::cliPrivacyInvalidValues()
{
    QFETCH(QString, flag);
    QFETCH(QString, value);
    QStringList arguments{QStringLiteral("privacy"), QStringLiteral("epsilon")};
    const QList<QPair<QString, QString>> defaults{
        {QStringLiteral("--noise-multiplier"), QStringLiteral("1")},
        {QStringLiteral("--sample-rate"), QStringLiteral("0.1")},
        {QStringLiteral("--steps"), QStringLiteral("10")},
        {QStringLiteral("--delta"), QStringLiteral("1e-5")},
        {QStringLiteral("--accountant"), QStringLiteral("rdp")}};
    for (const auto &[name, defaultValue] : defaults) {
        arguments << name << (name == flag ? value : defaultValue);
    }
    QTemporaryDir home;
    const ProcessResult result = runProgram(kCli, arguments, home.path());
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(flag), qPrintable(result.err));
}

void TestApp::cliPrivacyUnreachableTargetFails()
{
    QTemporaryDir home;
    const ProcessResult result = runProgram(
        kCli,
        {QStringLiteral("privacy"), QStringLiteral("noise"), QStringLiteral("--target-epsilon"),
         QStringLiteral("0.2"), QStringLiteral("--delta"), QStringLiteral("1e-6"),
         QStringLiteral("--sample-rate"), QStringLiteral("0.1"), QStringLiteral("--steps"),
         QStringLiteral("100"), QStringLiteral("--probe-noise"), QStringLiteral("5"),
         QStringLiteral("--probe-sample-rate"), QStringLiteral("1")},
        home.path());
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(QStringLiteral("budget too low for the probe")),
             qPrintable(result.err));
}

void TestApp::cliRunSmokePreset()
{
    if (!QFileInfo::exists(QStringLiteral("/usr/share/datasets/fashion-mnist"))) {
        QSKIP("dataset-fashion-mnist is not installed (packaging/bootstrap.sh installs it)");
    }
    QTemporaryDir home;
    const QString run = home.path() + QStringLiteral("/runs/smoke");
    const ProcessResult result =
        runProgram(kCli,
                   {QStringLiteral("run"), QStringLiteral("--preset"), QStringLiteral("smoke"),
                    QStringLiteral("--out"), run, QStringLiteral("--json")},
                   home.path(), 600000);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    // One JSON object per line: stage events, the outcome, then the comparison.
    QStringList stagesFinished;
    QString outcome;
    bool comparison = false;
    for (const QString &line : result.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        QJsonParseError error{};
        const QJsonObject event = QJsonDocument::fromJson(line.toUtf8(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(line));
        const QString kind = event.value(QStringLiteral("event")).toString();
        if (kind == QStringLiteral("stage_finished")) {
            stagesFinished << event.value(QStringLiteral("stage")).toString();
        } else if (kind == QStringLiteral("outcome")) {
            outcome = event.value(QStringLiteral("outcome")).toString();
        } else if (kind == QStringLiteral("comparison")) {
            comparison = true;
            const QJsonObject first =
                event.value(QStringLiteral("runs")).toArray().at(0).toObject();
            QCOMPARE(first.value(QStringLiteral("variant")).toString(), QStringLiteral("dp-sapf"));
            const QJsonValue spent = first.value(QStringLiteral("epsilon_prv"));
            QVERIFY2(spent.isDouble(), "epsilon_prv missing from the comparison");
            QVERIFY(spent.toDouble() > 0.0 && spent.toDouble() <= 10.0);
        }
    }
    QCOMPARE(stagesFinished, (QStringList{QStringLiteral("prepare"), QStringLiteral("probe"),
                                          QStringLiteral("select"), QStringLiteral("train"),
                                          QStringLiteral("generate"), QStringLiteral("export")}));
    QCOMPARE(outcome, QStringLiteral("completed"));
    QVERIFY(comparison);
    for (const char *file :
         {"config.json", "ledger.json", "metrics.jsonl", "saliency/scores.json",
          "saliency/tuning_layers.json", "checkpoints/latest/state.json", "samples/step_000004.png",
          "export/syn_images.npy", "export/syn_labels.npy", "export/gen.npz", "export/sample.png",
          "export/pytorch_lora_weights.safetensors", "export/lora_kohya.safetensors",
          "export/privacy_report.json", "export/privacy_report.md",
          "export/images/Ankle boot/00001.png", "export/images/T-shirt_top/00000.png"}) {
        QVERIFY2(QFileInfo::exists(run + QLatin1Char('/') + QLatin1String(file)), file);
    }
    // Never overwritten without --resume or --force.
    const ProcessResult again = runProgram(kCli,
                                           {QStringLiteral("run"), QStringLiteral("--preset"),
                                            QStringLiteral("smoke"), QStringLiteral("--out"), run},
                                           home.path());
    QCOMPARE(again.exitCode, 2);
    QVERIFY2(again.err.contains(QStringLiteral("--resume")), qPrintable(again.err));
    // A finished run resumes to "nothing left" and compares as text.
    const ProcessResult resumed = runProgram(
        kCli, {QStringLiteral("run"), QStringLiteral("--resume"), QStringLiteral("--out"), run},
        home.path());
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
    QVERIFY2(resumed.out.contains(QStringLiteral("trainable parameters")), qPrintable(resumed.out));
    const ProcessResult compare =
        runProgram(kCli, {QStringLiteral("compare"), run, run}, home.path());
    QCOMPARE(compare.exitCode, 0);
    QVERIFY(compare.out.contains(QStringLiteral("epsilon spent (PRV)")));
    const ProcessResult missing = runProgram(
        kCli, {QStringLiteral("train"), home.path() + QStringLiteral("/nowhere")}, home.path());
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains(QStringLiteral("nowhere")));
}

void TestApp::cliGenerateFromPublicModelMatchesDiffusers()
{
    QTemporaryDir dir;
    const QString images = dir.path() + QStringLiteral("/images.npy");
    const QString latents = dir.path() + QStringLiteral("/latents.npy");
    const ProcessResult result =
        runProgram(kCli, {QStringLiteral("generate"),
                          QStringLiteral("--public-model"),
                          kSdTiny,
                          QStringLiteral("--prompt"),
                          QStringLiteral("a photo of an astronaut riding a horse on mars"),
                          QStringLiteral("--steps"),
                          QStringLiteral("3"),
                          QStringLiteral("--guidance"),
                          QStringLiteral("7.5"),
                          QStringLiteral("--scheduler"),
                          QStringLiteral("dpmpp-2m"),
                          QStringLiteral("--initial-latents"),
                          kSdTiny + QStringLiteral("/pipeline_run/init_latents.npy"),
                          QStringLiteral("--save-npy"),
                          images,
                          QStringLiteral("--save-latents"),
                          latents,
                          QStringLiteral("--out"),
                          dir.path() + QStringLiteral("/png"),
                          QStringLiteral("--json")});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const auto compare = [](const std::vector<float> &actual, const std::vector<float> &expected) {
        if (actual.size() != expected.size() || actual.empty()) {
            return false;
        }
        for (std::size_t i = 0; i < actual.size(); ++i) {
            if (std::fabs(actual[i] - expected[i]) > 1e-4 + 1e-4 * std::fabs(expected[i])) {
                return false;
            }
        }
        return true;
    };
    QVERIFY(compare(readFloats(images),
                    readFloats(kSdTiny + QStringLiteral("/pipeline_run/dpmpp_2m_image.npy"))));
    QVERIFY(
        compare(readFloats(latents),
                readFloats(kSdTiny + QStringLiteral("/pipeline_run/dpmpp_2m_step_latents.npy"))));
    QVERIFY(QFileInfo::exists(dir.path() + QStringLiteral("/png/image_0000.png")));
    const QJsonObject done =
        QJsonDocument::fromJson(
            result.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts).last().toUtf8())
            .object();
    QCOMPARE(done.value(QStringLiteral("timesteps")).toArray().first().toInt(), 751);
}

void TestApp::cliGenerateAndInspectRefuseBadInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("neither a run nor a model")
        << QStringList{QStringLiteral("generate")} << 2 << QStringLiteral("--public-model");
    QTest::newRow("both a run and a model")
        << QStringList{QStringLiteral("generate"),       QStringLiteral("runs/x"),
                       QStringLiteral("--public-model"), kSdTiny,
                       QStringLiteral("--out"),          QStringLiteral("/tmp/x")}
        << 2 << QStringLiteral("not both");
    const QString pickle = QDir::temp().filePath(QStringLiteral("dpsapf-test-model.ckpt"));
    QFile file(pickle);
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write("never unpickled") > 0);
    file.close();
    QTest::newRow("a pickle file")
        << QStringList{QStringLiteral("model"), QStringLiteral("inspect"), pickle} << 1
        << QStringLiteral("pickle");
    QTest::newRow("a missing path")
        << QStringList{QStringLiteral("model"), QStringLiteral("inspect"),
                       QDir::temp().filePath(QStringLiteral("dpsapf-no-such-model"))}
        << 1 << QStringLiteral("no such file");
    QTest::newRow("a LoRA file as the model")
        << QStringList{QStringLiteral("model"), QStringLiteral("inspect"),
                       kSdTiny + QStringLiteral("/lora_unet/pytorch_lora_weights.safetensors")}
        << 1 << QStringLiteral("LoRA");
    QTest::newRow("a component folder")
        << QStringList{QStringLiteral("generate"), QStringLiteral("--public-model"),
                       kSdTiny + QStringLiteral("/unet"), QStringLiteral("--out"),
                       QStringLiteral("/tmp/x")}
        << 1 << QStringLiteral("model_index.json");
    QTest::newRow("no output") << QStringList{QStringLiteral("generate"),
                                              QStringLiteral("--public-model"), kSdTiny}
                               << 2 << QStringLiteral("--out");
    QTest::newRow("cuda without a device") << QStringList{QStringLiteral("generate"),
                                                          QStringLiteral("--public-model"),
                                                          kSdTiny,
                                                          QStringLiteral("--out"),
                                                          QStringLiteral("/tmp/x"),
                                                          QStringLiteral("--device"),
                                                          QStringLiteral("cuda")}
                                           << 2 << QStringLiteral("--device");
}

void TestApp::cliGenerateAndInspectRefuseBadInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const ProcessResult result = runProgram(kCli, arguments);
    QCOMPARE(result.exitCode, exitCode);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
}

void TestApp::cliModelInspectListsTheMatrices()
{
    const ProcessResult result =
        runProgram(kCli, {QStringLiteral("model"), QStringLiteral("inspect"), kSdTiny,
                          QStringLiteral("--json")});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject json = QJsonDocument::fromJson(result.out.toUtf8()).object();
    QVERIFY(json.value(QStringLiteral("family")).toString().contains(QStringLiteral("1.x")));
    QCOMPARE(json.value(QStringLiteral("attention_matrices")).toArray().size(), 128);
    QCOMPARE(json.value(QStringLiteral("components")).toArray().size(), 4);
    const QJsonArray first = json.value(QStringLiteral("attention_matrices"))
                                 .toArray()
                                 .first()
                                 .toObject()
                                 .value(QStringLiteral("shape"))
                                 .toArray();
    QCOMPARE(first.first().toInt(), 8); // down_blocks.0 is 8 wide in sd-tiny
    // unet 556,572 + vae 214,615 + text encoder 48,106
    QCOMPARE(json.value(QStringLiteral("total_parameters")).toInteger(), 556572 + 214615 + 48106);
}

void TestApp::cliRunSmokePresetWithStableDiffusion()
{
    if (!QFileInfo::exists(QStringLiteral("/usr/share/datasets/fashion-mnist"))) {
        QSKIP("dataset-fashion-mnist is not installed (packaging/bootstrap.sh installs it)");
    }
    QTemporaryDir home;
    const QString run = home.path() + QStringLiteral("/runs/sd-smoke");
    const ProcessResult result =
        runProgram(kCli,
                   {QStringLiteral("run"), QStringLiteral("--preset"), QStringLiteral("smoke"),
                    QStringLiteral("--set"), QStringLiteral("public_model=") + kSdTiny,
                    QStringLiteral("--out"), run, QStringLiteral("--quiet")},
                   home.path(), 600000);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY(QFileInfo::exists(run + QStringLiteral("/export/pytorch_lora_weights.safetensors")));
    QVERIFY(QFileInfo::exists(run + QStringLiteral("/export/class_prompts.json")));
}

void TestApp::cliRunRejectsBadConfig_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown key") << QStringList{QStringLiteral("--set"),
                                                QStringLiteral("train.stepz=3")}
                                 << QStringLiteral("train.stepz: unknown key");
    QTest::addRow("epsilon 0") << QStringList{QStringLiteral("--set"),
                                              QStringLiteral("privacy.epsilon=0")}
                               << QStringLiteral("privacy.epsilon");
    QTest::addRow("ratio") << QStringList{QStringLiteral("--set"),
                                          QStringLiteral("selection.ratio=2")}
                           << QStringLiteral("selection.ratio");
    QTest::addRow("rank") << QStringList{QStringLiteral("--set"), QStringLiteral("lora.rank=0")}
                          << QStringLiteral("lora.rank");
    QTest::addRow("steps type") << QStringList{QStringLiteral("--set"),
                                               QStringLiteral("train.steps=few")}
                                << QStringLiteral("train.steps: expected an integer");
    QTest::addRow("missing file") << QStringList{QStringLiteral("--config"),
                                                 QStringLiteral("/nonexistent.json")}
                                  << QStringLiteral("/nonexistent.json");
}

void TestApp::cliRunRejectsBadConfig()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    QTemporaryDir home;
    const QString run = home.path() + QStringLiteral("/run");
    const ProcessResult result =
        runProgram(kCli,
                   QStringList{QStringLiteral("run"), QStringLiteral("--preset"),
                               QStringLiteral("smoke"), QStringLiteral("--out"), run} +
                       arguments,
                   home.path());
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
    QVERIFY(!QFileInfo::exists(run)); // nothing was created
}

void TestApp::guiVersionAndUsageError()
{
    QTemporaryDir home;
    const ProcessResult version = runProgram(kGui, {QStringLiteral("--version")}, home.path());
    QCOMPARE(version.exitCode, 0);
    QVERIFY2(version.out.startsWith(QStringLiteral("dpsapf-studio 0.")), qPrintable(version.out));
    QVERIFY(version.out.contains(QLatin1String(qVersion())));
    const ProcessResult bogus = runProgram(kGui, {QStringLiteral("--bogus")}, home.path());
    QCOMPARE(bogus.exitCode, 2);
    QVERIFY(bogus.err.contains(QStringLiteral("bogus")));
}

void TestApp::guiScreenshotWritesPng()
{
    QTemporaryDir home;
    const QString path = home.filePath(QStringLiteral("main.png"));
    const ProcessResult result =
        runProgram(kGui, {QStringLiteral("--screenshot"), path}, home.path());
    QCOMPARE(result.exitCode, 0);
    const QImage image(path);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 400 && image.height() >= 300);
    // The screenshot run does not change the user's saved window state.
    QVERIFY(!QFileInfo::exists(home.path() + QStringLiteral("/config/dpsapf/dpsapf-studio.conf")));

    // One page; a folder that is not a run is an error naming it, with no screenshot.
    const QString privacy = home.filePath(QStringLiteral("privacy.png"));
    const ProcessResult page = runProgram(kGui,
                                          {QStringLiteral("--screenshot"), privacy,
                                           QStringLiteral("--panel"), QStringLiteral("privacy")},
                                          home.path());
    QCOMPARE(page.exitCode, 0);
    QVERIFY(QImage(privacy) != image);
    const QString missing = home.filePath(QStringLiteral("missing.png"));
    const ProcessResult notARun = runProgram(
        kGui, {QStringLiteral("--screenshot"), missing, QStringLiteral("--run"), home.path()},
        home.path());
    QCOMPARE(notARun.exitCode, 1);
    QVERIFY2(notARun.err.contains(QStringLiteral("config.json")), qPrintable(notARun.err));
    QVERIFY(!QFileInfo::exists(missing));
}

void TestApp::translationsAreEmbedded_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("about");
    QTest::newRow("de") << QStringLiteral("de") << QStringLiteral("&Datei")
                        << QStringLiteral("Über &Qt");
    QTest::newRow("zh_CN") << QStringLiteral("zh_CN") << QStringLiteral("文件(&F)")
                           << QStringLiteral("关于 Qt(&Q)");
}

void TestApp::translationsAreEmbedded()
{
    QFETCH(QString, locale);
    QFETCH(QString, file);
    QFETCH(QString, about);
    QTranslator translator;
    QVERIFY(translator.load(QLocale(locale), QStringLiteral("dpsapf"), QStringLiteral("_"),
                            QStringLiteral(":/i18n")));
    QCOMPARE(translator.translate("dpsapf::ui::MainWindow", "&File"), file);
    QCOMPARE(translator.translate("dpsapf::ui::MainWindow", "About &Qt"), about);
}

void TestApp::windowIconIsEmbedded()
{
    const QImage icon(QStringLiteral(":/icons/dpsapf-studio.png"));
    QCOMPARE(icon.size(), QSize(256, 256));
}

QTEST_MAIN(TestApp)
#include "test_app.moc"
