// SPDX-License-Identifier: GPL-3.0-or-later
// Offscreen tests of the four workflow panels (data, model, gallery, export): the signals they
// emit, what they show, and that a corrupt sample grid gives an error text instead of a crash.
#include "panels/data_panel.h"
#include "panels/export_panel.h"
#include "panels/gallery_panel.h"
#include "panels/model_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtTest>

using namespace dpsapf::ui;

namespace {

constexpr int kTile = 8;
constexpr int kPerClass = 4;
const QStringList kClasses{QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"),
                           QStringLiteral("Pullover")};

QPushButton *findButton(const QWidget &parent, const QString &text)
{
    const auto buttons = parent.findChildren<QPushButton *>();
    for (QPushButton *button : buttons) {
        if (button->text() == text) {
            return button;
        }
    }
    return nullptr;
}

// A sample grid like the trainer writes: one row per class, 1 px padding, shade depends on step.
QImage makeGrid(int step)
{
    const int classes = static_cast<int>(kClasses.size());
    QImage image(kPerClass * (kTile + 1) + 1, classes * (kTile + 1) + 1, QImage::Format_RGB32);
    image.fill(Qt::black);
    QPainter painter(&image);
    for (int row = 0; row < classes; ++row) {
        for (int column = 0; column < kPerClass; ++column) {
            painter.fillRect(1 + column * (kTile + 1), 1 + row * (kTile + 1), kTile, kTile,
                             QColor(step * 10 % 256, row * 80, column * 60));
        }
    }
    return image;
}

QString writeGrid(const QTemporaryDir &dir, int step)
{
    const QString path =
        dir.filePath(QStringLiteral("step_%1.png").arg(step, 6, 10, QLatin1Char('0')));
    if (!makeGrid(step).save(path, "PNG")) {
        return {};
    }
    return path;
}

DatasetOverview sampleOverview()
{
    DatasetOverview overview;
    overview.description = QStringLiteral("Fashion-MNIST training split");
    overview.records = 60000;
    overview.classNames = QStringList{QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"),
                                      QStringLiteral("Pullover"),    QStringLiteral("Dress"),
                                      QStringLiteral("Coat"),        QStringLiteral("Sandal"),
                                      QStringLiteral("Shirt"),       QStringLiteral("Sneaker"),
                                      QStringLiteral("Bag"),         QStringLiteral("Ankle boot")};
    overview.classCounts = QVector<qint64>(10, 6000);
    overview.classCounts[3] = 5000;
    for (int c = 0; c < 10; ++c) {
        for (int i = 0; i < 10; ++i) { // more than the panel shows per class
            QImage image(28, 28, QImage::Format_Grayscale8);
            image.fill(0);
            QPainter painter(&image);
            painter.fillRect(4 + i % 5, 4 + c, 16, 18 - c, QColor(200, 200, 200));
            overview.thumbnails.append(image);
            overview.thumbnailLabels.append(c == 9 ? 8 : c); // class 9 has no thumbnail
        }
    }
    overview.imageSizes = QStringList{QStringLiteral("28×28: 60000")};
    overview.problems = QStringList{QStringLiteral("broken.png: not a PNG file"),
                                    QStringLiteral("empty.png: file is empty")};
    overview.skipped = 2;
    overview.fingerprint = QStringLiteral("sha256:0f3a9c…");
    return overview;
}

ModelOverview sampleModel()
{
    ModelOverview model;
    model.name = QStringLiteral("sapf-tiny");
    model.family = QStringLiteral("Stable Diffusion 1.5 UNet topology");
    model.description = QStringLiteral("Class-conditional, trained on public data only");
    model.resolution = 32;
    model.channels = 1;
    model.totalParameters = 1234567;
    model.attentionParameters = 234567;
    for (int b = 0; b < 16; ++b) {
        model.blockNames.append(QStringLiteral("down_blocks.%1.attentions.0").arg(b));
        model.blockMatrixCounts.append(8);
        for (const char *m : {"attn1.to_q", "attn1.to_k", "attn1.to_v", "attn1.to_out.0",
                              "attn2.to_q", "attn2.to_k", "attn2.to_v", "attn2.to_out.0"}) {
            model.attentionMatrices.append(
                {QStringLiteral("down_blocks.%1.attentions.0.transformer_blocks.0.").arg(b) +
                     QLatin1String(m),
                 QStringLiteral("64×64")});
        }
    }
    for (int d = 0; d < 10; ++d) {
        model.classNames.append(QString::number(d));
    }
    return model;
}

} // namespace

class TestPanels final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void dataPanelEmitsTheChosenFields();
    void dataPanelShowsOverviewAndErrors();
    void modelPanelEmitsBundledOrPath();
    void modelPanelShowsOverview();
    void modelPanelComputeSettings();
    void galleryFollowsNewestUnlessMovedAway();
    void gallerySavesAndZooms();
    void galleryShowsErrorForCorruptFile();
    void exportPanelEnablesOnlyWhenPossible();
    void exportPanelShowsProgressAndResult();
    void panelsFitTheMainWindow();

private:
    QTemporaryDir m_dir;
};

void TestPanels::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY(m_dir.isValid());
}

void TestPanels::dataPanelEmitsTheChosenFields()
{
    DataPanel panel;
    QSignalSpy spy(&panel, &DataPanel::loadRequested);
    QPushButton *load = findButton(panel, DataPanel::tr("&Load"));
    QVERIFY(load != nullptr);

    // The bundled dataset needs no path.
    QVERIFY(load->isEnabled());
    QTest::mouseClick(load, Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<DatasetChoice>().kind, QStringLiteral("fashion-mnist"));

    // A folder needs one.
    panel.setChoice(DatasetChoice{QStringLiteral("folder"), QString(), QString(), false});
    QVERIFY(!load->isEnabled());

    DatasetChoice idx{QStringLiteral("idx"), QStringLiteral("/data/train-images-idx3-ubyte"),
                      QStringLiteral("/data/train-labels-idx1-ubyte"), true};
    panel.setChoice(idx);
    panel.show();
    auto *labelsEdit = panel.findChildren<QLineEdit *>().at(1);
    QVERIFY(labelsEdit->isVisible());
    QTest::mouseClick(load, Qt::LeftButton);
    QCOMPARE(spy.count(), 2);
    const auto chosen = spy.at(1).at(0).value<DatasetChoice>();
    QCOMPARE(chosen.kind, idx.kind);
    QCOMPARE(chosen.path, idx.path);
    QCOMPARE(chosen.labelsPath, idx.labelsPath);
    QCOMPARE(chosen.skipBadFiles, true);

    // Labels only for idx and npy.
    panel.setChoice(DatasetChoice{QStringLiteral("zip"), QStringLiteral("/data/set.zip"),
                                  QStringLiteral("/data/ignored"), false});
    QVERIFY(!labelsEdit->isVisible());
    QCOMPARE(panel.choice().labelsPath, QString());
    QCOMPARE(panel.choice().path, QStringLiteral("/data/set.zip"));
    QCOMPARE(panel.findChild<QComboBox *>()->currentData().toString(), QStringLiteral("zip"));
}

void TestPanels::dataPanelShowsOverviewAndErrors()
{
    DataPanel panel;
    QSignalSpy spy(&panel, &DataPanel::loadRequested);
    QPushButton *load = findButton(panel, DataPanel::tr("&Load"));
    panel.showLoading();
    QVERIFY(panel.isLoading());
    QVERIFY(!load->isEnabled());
    QTest::mouseClick(load, Qt::LeftButton);
    QCOMPARE(spy.count(), 0);

    panel.showOverview(sampleOverview());
    QVERIFY(!panel.isLoading());
    QVERIFY(load->isEnabled());
    const QString summary = panel.summaryText();
    QVERIFY2(summary.contains(QStringLiteral("60,000")), qPrintable(summary));
    QVERIFY(summary.contains(QStringLiteral("10")));
    QVERIFY(summary.contains(QStringLiteral("28×28: 60000")));
    QVERIFY(summary.contains(QStringLiteral("sha256:0f3a9c…")));
    QVERIFY(summary.contains(QStringLiteral("Ankle boot"))); // a bar even without thumbnails
    QVERIFY(summary.contains(QStringLiteral("could not be read: 2.")));
    QCOMPARE(panel.shownProblems(), sampleOverview().problems);
    // Class 9 has no thumbnails, so there are nine rows, in class order.
    const QStringList rows = panel.thumbnailRowLabels();
    QCOMPARE(rows.size(), 9);
    QCOMPARE(rows.first(), QStringLiteral("T-shirt/top"));
    QCOMPARE(rows.last(), QStringLiteral("Bag"));
    QCOMPARE(panel.messageText(), QString());

    panel.showError(QStringLiteral("/data/x: no such folder"));
    QCOMPARE(panel.messageText(), QStringLiteral("/data/x: no such folder"));
    QVERIFY(load->isEnabled());
}

void TestPanels::modelPanelEmitsBundledOrPath()
{
    ModelPanel panel;
    QSignalSpy spy(&panel, &ModelPanel::modelRequested);
    QPushButton *inspect = findButton(panel, ModelPanel::tr("&Inspect"));
    QVERIFY(inspect != nullptr);
    QCOMPARE(panel.modelPath(), QString());
    QTest::mouseClick(inspect, Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QString());

    const QString file = QStringLiteral("/models/sd15.safetensors");
    panel.setModelPath(file);
    QCOMPARE(panel.modelPath(), file);
    QTest::mouseClick(inspect, Qt::LeftButton);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).toString(), file);

    // A custom model without a path cannot be inspected.
    panel.findChild<QLineEdit *>()->clear();
    QVERIFY(!inspect->isEnabled());
    panel.setModelPath(QString());
    QVERIFY(inspect->isEnabled());
    QCOMPARE(panel.modelPath(), QString());

    panel.showLoading();
    QVERIFY(!inspect->isEnabled());
    panel.showError(QStringLiteral("unet/ is missing"));
    QCOMPARE(panel.messageText(), QStringLiteral("unet/ is missing"));
    QVERIFY(inspect->isEnabled());
}

void TestPanels::modelPanelComputeSettings()
{
    ModelPanel panel;
    auto *box = panel.findChild<ComputeSettingsBox *>();
    QVERIFY(box != nullptr);
    const auto combos = box->findChildren<QComboBox *>();
    QCOMPARE(combos.size(), 3);
    QComboBox *device = combos[0];
    QComboBox *precision = combos[2];
    const auto itemEnabled = [](QComboBox *combo, const QString &value) {
        const auto *model = qobject_cast<QStandardItemModel *>(combo->model());
        return model->item(combo->findData(value))->isEnabled();
    };

    // Defaults: automatic device and checkpointing, fp32; the bundled model keeps fp32.
    QCOMPARE(panel.computeSettings().device, QStringLiteral("auto"));
    QCOMPARE(panel.computeSettings().checkpointing, QStringLiteral("auto"));
    QCOMPARE(panel.computeSettings().frozenPrecision, QStringLiteral("fp32"));
    QVERIFY(!precision->isEnabled());
    panel.setComputeSettings(
        {QStringLiteral("cpu"), QStringLiteral("off"), QStringLiteral("bf16")});
    QCOMPARE(panel.computeSettings().device, QStringLiteral("cpu"));
    QCOMPARE(panel.computeSettings().checkpointing, QStringLiteral("off"));
    QCOMPARE(panel.computeSettings().frozenPrecision, QStringLiteral("fp32"));

    // A Stable Diffusion model may use bf16; without CUDA neither the GPU nor fp16 is offered.
    panel.setModelPath(QStringLiteral("/models/sd15"));
    QVERIFY(precision->isEnabled());
    panel.setComputeSettings({QStringLiteral("cpu"), QStringLiteral("on"), QStringLiteral("bf16")});
    QCOMPARE(panel.computeSettings().frozenPrecision, QStringLiteral("bf16"));
    panel.setCudaAvailable(false);
    QVERIFY(!itemEnabled(device, QStringLiteral("cuda")));
    QVERIFY(!itemEnabled(precision, QStringLiteral("fp16")));
    panel.setComputeSettings(
        {QStringLiteral("cuda"), QStringLiteral("on"), QStringLiteral("fp16")});
    QCOMPARE(panel.computeSettings().device, QStringLiteral("auto"));
    QCOMPARE(panel.computeSettings().frozenPrecision, QStringLiteral("fp32"));

    // With a CUDA device, fp16 is offered unless the CPU is chosen.
    panel.setCudaAvailable(true);
    QVERIFY(itemEnabled(device, QStringLiteral("cuda")));
    panel.setComputeSettings(
        {QStringLiteral("cuda"), QStringLiteral("on"), QStringLiteral("fp16")});
    QCOMPARE(panel.computeSettings().device, QStringLiteral("cuda"));
    QCOMPARE(panel.computeSettings().frozenPrecision, QStringLiteral("fp16"));
    device->setCurrentIndex(device->findData(QStringLiteral("cpu")));
    QVERIFY(!itemEnabled(precision, QStringLiteral("fp16")));
    QCOMPARE(panel.computeSettings().frozenPrecision, QStringLiteral("fp32"));
}

void TestPanels::modelPanelShowsOverview()
{
    ModelPanel panel;
    panel.showOverview(sampleModel());
    QCOMPARE(panel.blockRowCount(), 16);
    QCOMPARE(panel.matrixRowCount(), 128);
    const QString summary = panel.summaryText();
    QVERIFY2(summary.contains(QStringLiteral("1,234,567")), qPrintable(summary));
    QVERIFY(summary.contains(QStringLiteral("128 matrices with 234,567 parameters")));
    QVERIFY(summary.contains(QStringLiteral("32 × 32 pixels, channels: 1")));
    QVERIFY(summary.contains(QStringLiteral("0, 1, 2")));
    QCOMPARE(panel.messageText(), QString());
}

void TestPanels::galleryFollowsNewestUnlessMovedAway()
{
    GalleryPanel panel;
    panel.setClassNames(kClasses);
    QVERIFY(panel.isEmptyStateShown());
    QCOMPARE(panel.currentStep(), qint64(-1));
    QSignalSpy spy(&panel, &GalleryPanel::currentStepChanged);

    QVector<SampleGridFile> grids;
    for (int step : {0, 10}) {
        grids.append({step, writeGrid(m_dir, step)});
        QVERIFY(!grids.last().path.isEmpty());
    }
    panel.setGrids(grids);
    QVERIFY(!panel.isEmptyStateShown());
    QCOMPARE(panel.gridCount(), 2);
    QCOMPARE(panel.currentStep(), qint64(10));
    QCOMPARE(spy.count(), 1);

    grids.append({20, writeGrid(m_dir, 20)});
    panel.setGrids(grids);
    QCOMPARE(panel.currentStep(), qint64(20)); // followed the newest
    QCOMPARE(panel.currentImage().pixelColor(2, 2), makeGrid(20).pixelColor(2, 2));
    QCOMPARE(panel.positionText(), QStringLiteral("step 20 (3 of 3)"));
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.last().at(0).toLongLong(), qint64(20));

    // The user moves the slider back: new grids no longer pull the view forward.
    panel.slider()->setValue(0);
    QCOMPARE(panel.currentStep(), qint64(0));
    QCOMPARE(panel.positionText(), QStringLiteral("step 0 (1 of 3)"));
    QCOMPARE(panel.currentImage().pixelColor(2, 2), makeGrid(0).pixelColor(2, 2));
    grids.append({30, writeGrid(m_dir, 30)});
    panel.setGrids(grids);
    QCOMPARE(panel.currentStep(), qint64(0));
    QCOMPARE(panel.positionText(), QStringLiteral("step 0 (1 of 4)"));

    // Back on the newest, it follows again.
    panel.showStep(30);
    QCOMPARE(panel.currentStep(), qint64(30));
    grids.removeLast();
    grids.append({40, writeGrid(m_dir, 40)});
    grids.append({30, writeGrid(m_dir, 30)}); // unsorted input
    panel.setGrids(grids);
    QCOMPARE(panel.currentStep(), qint64(40));
    QCOMPARE(panel.slider()->value(), 4);

    panel.setGrids({});
    QVERIFY(panel.isEmptyStateShown());
    QCOMPARE(panel.gridCount(), 0);
}

void TestPanels::gallerySavesAndZooms()
{
    GalleryPanel panel;
    panel.setClassNames(kClasses);
    panel.resize(800, 600);
    panel.show();
    panel.setGrids({{0, writeGrid(m_dir, 0)}, {10, writeGrid(m_dir, 10)}});

    const QString out = m_dir.filePath(QStringLiteral("saved.png"));
    QVERIFY(panel.saveCurrent(out));
    const QImage saved(out);
    QCOMPARE(saved.size(), makeGrid(10).size());
    QCOMPARE(saved.convertToFormat(QImage::Format_RGB32), makeGrid(10));
    QVERIFY(!panel.saveCurrent(m_dir.filePath(QStringLiteral("no/such/folder/x.png"))));

    panel.setZoom(3.0);
    QCOMPARE(panel.zoom(), 3.0);
    panel.zoomIn();
    QVERIFY(panel.zoom() > 3.0);
    panel.setZoom(3.0);
    panel.zoomOut();
    QVERIFY(panel.zoom() < 3.0);
    panel.setZoom(1000.0);
    QCOMPARE(panel.zoom(), GalleryPanel::kMaximumZoom);
    panel.setZoom(0.0);
    QCOMPARE(panel.zoom(), GalleryPanel::kMinimumZoom);
    // Keyboard shortcuts and Ctrl+wheel.
    panel.setZoom(3.0);
    panel.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    QTest::keyClick(&panel, Qt::Key_Equal, Qt::ControlModifier);
    QCOMPARE(panel.zoom(), 4.0);
    QTest::keyClick(&panel, Qt::Key_Minus, Qt::ControlModifier);
    QCOMPARE(panel.zoom(), 3.0);
    auto *scroll = panel.findChild<QScrollArea *>();
    QVERIFY(scroll != nullptr);
    QWidget *view = scroll->widget();
    const QPointF inside(view->width() / 2.0, view->height() / 2.0);
    QWheelEvent wheelUp(inside, view->mapToGlobal(inside), QPoint(), QPoint(0, 120), Qt::NoButton,
                        Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view, &wheelUp);
    QCOMPARE(panel.zoom(), 4.0);
    QWheelEvent plainWheel(inside, view->mapToGlobal(inside), QPoint(), QPoint(0, -120),
                           Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view, &plainWheel);
    QCOMPARE(panel.zoom(), 4.0); // scrolls, does not zoom
    QTest::keyClick(&panel, Qt::Key_0, Qt::ControlModifier);
    // The grid is 37×28 and the view about 780×500: a whole factor that fills it.
    QVERIFY2(panel.zoom() >= 10.0 && panel.zoom() <= 20.0,
             qPrintable(QString::number(panel.zoom())));
    QCOMPARE(panel.zoom(), std::floor(panel.zoom()));
}

void TestPanels::galleryShowsErrorForCorruptFile()
{
    GalleryPanel panel;
    panel.setClassNames(kClasses);
    const QString corrupt = m_dir.filePath(QStringLiteral("step_000050.png"));
    {
        QFile file(corrupt);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("\x89PNG\r\n\x1a\n this is not really a PNG");
    }
    const QString missing = m_dir.filePath(QStringLiteral("step_000060.png"));
    panel.setGrids({{0, writeGrid(m_dir, 0)}, {50, corrupt}});
    QCOMPARE(panel.currentStep(), qint64(50));
    QVERIFY(panel.currentImage().isNull());
    QVERIFY2(panel.errorText().contains(QStringLiteral("step_000050.png")),
             qPrintable(panel.errorText()));
    QVERIFY(!panel.saveCurrent(m_dir.filePath(QStringLiteral("never.png"))));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("never.png"))));
    panel.zoomIn(); // no image: must not crash
    panel.zoomToFit();
    (void)panel.grab();

    panel.showStep(0);
    QVERIFY(!panel.currentImage().isNull());
    QCOMPARE(panel.errorText(), QString());

    panel.setGrids({{0, writeGrid(m_dir, 0)}, {60, missing}});
    QCOMPARE(panel.currentStep(), qint64(0)); // the user chose step 0
    panel.showStep(60);
    QCOMPARE(panel.currentStep(), qint64(60));
    QVERIFY(panel.currentImage().isNull());
    QVERIFY(panel.errorText().contains(QStringLiteral("step_000060.png")));
}

void TestPanels::exportPanelEnablesOnlyWhenPossible()
{
    ExportPanel panel;
    QSignalSpy spy(&panel, &ExportPanel::exportRequested);
    QPushButton *exportButton = findButton(panel, ExportPanel::tr("&Export"));
    QVERIFY(exportButton != nullptr);

    ExportChoice choice;
    choice.destination = QStringLiteral("/tmp/export");
    panel.setChoice(choice);
    panel.setReady(false, QStringLiteral("Generate images first"));
    QVERIFY(!panel.isExportEnabled());
    QCOMPARE(panel.blockedReason(), QStringLiteral("Generate images first"));
    QTest::mouseClick(exportButton, Qt::LeftButton);
    QCOMPARE(spy.count(), 0);

    panel.setReady(true, QString());
    QVERIFY(panel.isExportEnabled());
    QCOMPARE(panel.blockedReason(), QString());

    panel.setChoice(
        ExportChoice{false, false, false, false, false, false, QStringLiteral("/tmp/export")});
    QVERIFY(!panel.isExportEnabled());
    QCOMPARE(panel.blockedReason(), QStringLiteral("Choose at least one format."));

    // Ticking a box by hand enables Export again.
    const auto boxes = panel.findChildren<QCheckBox *>();
    QCOMPARE(boxes.size(), 6);
    QTest::mouseClick(boxes.at(1), Qt::LeftButton); // reference layout
    QVERIFY(panel.isExportEnabled());
    panel.setChoice(ExportChoice{false, true, false, true, false, true, QString()});
    QCOMPARE(panel.blockedReason(), QStringLiteral("Choose a destination folder."));
    panel.findChild<QLineEdit *>()->setText(QStringLiteral(" /tmp/out "));

    QTest::mouseClick(exportButton, Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    const auto chosen = spy.at(0).at(0).value<ExportChoice>();
    QCOMPARE(chosen.classFolders, false);
    QCOMPARE(chosen.referenceLayout, true);
    QCOMPARE(chosen.arrays, false);
    QCOMPARE(chosen.npz, true);
    QCOMPARE(chosen.lora, false);
    QCOMPARE(chosen.report, true);
    QCOMPARE(chosen.destination, QStringLiteral("/tmp/out"));
}

void TestPanels::exportPanelShowsProgressAndResult()
{
    ExportPanel panel;
    ExportChoice choice;
    choice.destination = QStringLiteral("/tmp/export");
    panel.setChoice(choice);
    panel.setReady(true, QString());

    panel.showProgress(5000, 10000, QStringLiteral("Writing class folders"));
    QVERIFY(!panel.isExportEnabled()); // one export at a time
    QVERIFY2(panel.progressText().contains(QStringLiteral("5,000 of 10,000")),
             qPrintable(panel.progressText()));

    ExportResult result;
    result.destination = QStringLiteral("/tmp/export");
    result.files = QStringList{QStringLiteral("syn_images.npy"), QStringLiteral("syn_labels.npy"),
                               QStringLiteral("privacy_report.json")};
    result.images = 10000;
    result.bytes = 12'345'678;
    result.privacyLine = QStringLiteral("ε = 9.99 (PRV), δ = 1.7e-6");
    panel.showResult(result);
    QVERIFY(panel.isExportEnabled());
    const QString text = panel.resultText();
    QVERIFY2(text.contains(QStringLiteral("10,000")), qPrintable(text));
    QVERIFY(text.contains(QLocale().formattedDataSize(12'345'678)));
    QVERIFY(text.contains(QStringLiteral("11.8 MiB")) ||
            text.contains(QStringLiteral("11.77 MiB")));
    QVERIFY(text.contains(result.privacyLine));
    QCOMPARE(panel.resultFiles(), result.files);

    panel.showError(QStringLiteral("/tmp/export: permission denied"));
    QVERIFY(panel.resultText().contains(QStringLiteral("permission denied")));
    QVERIFY(!panel.resultText().contains(result.privacyLine));
    QVERIFY(panel.isExportEnabled());
}

void TestPanels::panelsFitTheMainWindow()
{
    // Each panel lays out cleanly in the 1100×720 main window. DPSAPF_PANEL_SHOTS=<dir> writes
    // the renderings for a visual check.
    const QSize size(1100, 720);
    const QString shots = qEnvironmentVariable("DPSAPF_PANEL_SHOTS");

    DataPanel data;
    data.showOverview(sampleOverview());
    ModelPanel model;
    model.showOverview(sampleModel());
    GalleryPanel gallery;
    gallery.setClassNames(kClasses);
    gallery.setGrids({{0, writeGrid(m_dir, 0)}, {10, writeGrid(m_dir, 10)}});
    ExportPanel exportPanel;
    exportPanel.setReady(false, QStringLiteral("Generate images first"));
    exportPanel.showProgress(3, 4, QStringLiteral("Writing gen.npz"));
    ExportResult result;
    result.destination = QStringLiteral("/home/user/runs/quick/export");
    result.files = QStringList{QStringLiteral("images/"), QStringLiteral("syn_images.npy")};
    result.images = 60000;
    result.bytes = 47'040'128;
    result.privacyLine = QStringLiteral("ε = 9.99 (PRV), δ = 1.7e-6");
    exportPanel.showResult(result);

    const QList<QPair<QWidget *, QString>> panels{{&data, QStringLiteral("data")},
                                                  {&model, QStringLiteral("model")},
                                                  {&gallery, QStringLiteral("gallery")},
                                                  {&exportPanel, QStringLiteral("export")}};
    for (const auto &[panel, name] : panels) {
        panel->resize(size);
        panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(panel));
        const QSize minimum = panel->minimumSizeHint();
        QVERIFY2(minimum.width() <= size.width() && minimum.height() <= size.height(),
                 qPrintable(QStringLiteral("%1 needs %2×%3")
                                .arg(name)
                                .arg(minimum.width())
                                .arg(minimum.height())));
        QCOMPARE(panel->size(), size);
        const QImage image = panel->grab().toImage();
        QVERIFY(!image.isNull());
        if (!shots.isEmpty()) {
            QVERIFY(image.save(QDir(shots).filePath(name + QStringLiteral(".png"))));
        }
    }
}

QTEST_MAIN(TestPanels)
#include "test_panels.moc"
