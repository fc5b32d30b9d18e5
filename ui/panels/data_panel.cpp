// SPDX-License-Identifier: GPL-3.0-or-later
// The data panel: choose the sensitive dataset, load it, and inspect records, class balance,
// thumbnails and unreadable files. Plain Qt data only; the app layer fills DatasetOverview.
#include "panels/data_panel.h"

#include "plots/qcp.h"
#include "widgets/message_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QFontMetrics>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

namespace dpsapf::ui {

namespace {

enum class ResultPage { Message = 0, Overview = 1 };

const QColor kBarColor(70, 130, 180); // data colour of the class-balance bars

bool kindNeedsLabels(const QString &kind)
{
    return kind == QLatin1String("idx") || kind == QLatin1String("npy");
}

bool kindIsFolder(const QString &kind)
{
    return kind == QLatin1String("fashion-mnist") || kind == QLatin1String("folder");
}

// Small images are enlarged by an integer factor with nearest-neighbour sampling (28 px -> 56 px);
// large ones are reduced smoothly to at most 96 px.
QPixmap thumbnailPixmap(const QImage &image, qreal devicePixelRatio)
{
    if (image.isNull()) {
        return {};
    }
    const int side = std::max(image.width(), image.height());
    QSize logical = image.size();
    Qt::TransformationMode mode = Qt::FastTransformation;
    if (side <= 32) {
        logical *= 2;
    } else if (side > 96) {
        logical = image.size().scaled(96, 96, Qt::KeepAspectRatio);
        mode = Qt::SmoothTransformation;
    }
    const QSize device = logical * devicePixelRatio;
    QPixmap pixmap = QPixmap::fromImage(image.scaled(device, Qt::IgnoreAspectRatio, mode));
    pixmap.setDevicePixelRatio(devicePixelRatio);
    return pixmap;
}

} // namespace

DataPanel::DataPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createForm());
    layout->addWidget(createResults(), 1);
    updateFormState();
    showMessage(tr("Choose a dataset and press Load to inspect it."), false);
}

QWidget *DataPanel::createForm()
{
    auto *group = new QGroupBox(tr("Sensitive dataset"), this);

    m_kindBox = new QComboBox(group);
    m_kindBox->addItem(tr("Fashion-MNIST (Debian package)"), QStringLiteral("fashion-mnist"));
    m_kindBox->addItem(tr("Folder of class folders"), QStringLiteral("folder"));
    m_kindBox->addItem(tr("Zip (StyleGAN dataset.json)"), QStringLiteral("zip"));
    m_kindBox->addItem(tr(".npz (images and labels arrays)"), QStringLiteral("npz"));
    m_kindBox->addItem(tr("IDX files (MNIST format)"), QStringLiteral("idx"));
    m_kindBox->addItem(tr(".npy (images array and labels array)"), QStringLiteral("npy"));
    m_kindBox->setToolTip(tr("How the images are stored"));

    m_pathEdit = new QLineEdit(group);
    m_pathEdit->setClearButtonEnabled(true);
    m_browseButton = new QPushButton(tr("&Browse…"), group);
    m_labelsEdit = new QLineEdit(group);
    m_labelsEdit->setClearButtonEnabled(true);
    m_labelsEdit->setPlaceholderText(tr("The labels file that belongs to the images"));
    m_labelsBrowseButton = new QPushButton(tr("Br&owse…"), group);
    m_skipBox = new QCheckBox(tr("&Skip unreadable files"), group);
    m_skipBox->setToolTip(tr("Leave out files that cannot be decoded and list them under "
                             "Problems, instead of stopping at the first one"));
    m_loadButton = new QPushButton(tr("&Load"), group);
    m_loadButton->setDefault(true);
    m_busyBar = new QProgressBar(group);
    m_busyBar->setRange(0, 0); // busy indicator
    m_busyBar->setTextVisible(false);
    m_busyBar->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('M')) * 10);
    m_busyBar->setAccessibleName(tr("Loading the dataset"));
    m_busyBar->hide();

    auto *kindLabel = new QLabel(tr("&Kind:"), group);
    kindLabel->setBuddy(m_kindBox);
    auto *pathLabel = new QLabel(tr("&Path:"), group);
    pathLabel->setBuddy(m_pathEdit);
    m_labelsLabel = new QLabel(tr("Labels &file:"), group);
    m_labelsLabel->setBuddy(m_labelsEdit);

    auto *grid = new QGridLayout(group);
    grid->addWidget(kindLabel, 0, 0);
    grid->addWidget(m_kindBox, 0, 1);
    grid->addWidget(m_skipBox, 0, 3, 1, 2, Qt::AlignRight);
    grid->addWidget(pathLabel, 1, 0);
    grid->addWidget(m_pathEdit, 1, 1, 1, 3);
    grid->addWidget(m_browseButton, 1, 4);
    grid->addWidget(m_labelsLabel, 2, 0);
    grid->addWidget(m_labelsEdit, 2, 1, 1, 3);
    grid->addWidget(m_labelsBrowseButton, 2, 4);
    auto *actions = new QHBoxLayout;
    actions->addStretch(1);
    actions->addWidget(m_busyBar);
    actions->addWidget(m_loadButton);
    grid->addLayout(actions, 3, 0, 1, 5);
    grid->setColumnStretch(2, 1);

    setTabOrder(m_kindBox, m_pathEdit);
    setTabOrder(m_pathEdit, m_browseButton);
    setTabOrder(m_browseButton, m_labelsEdit);
    setTabOrder(m_labelsEdit, m_labelsBrowseButton);
    setTabOrder(m_labelsBrowseButton, m_skipBox);
    setTabOrder(m_skipBox, m_loadButton);

    connect(m_kindBox, &QComboBox::currentIndexChanged, this, &DataPanel::updateFormState);
    connect(m_pathEdit, &QLineEdit::textChanged, this, &DataPanel::updateFormState);
    connect(m_pathEdit, &QLineEdit::returnPressed, this, &DataPanel::requestLoad);
    connect(m_browseButton, &QPushButton::clicked, this, &DataPanel::browsePath);
    connect(m_labelsBrowseButton, &QPushButton::clicked, this, &DataPanel::browseLabels);
    connect(m_loadButton, &QPushButton::clicked, this, &DataPanel::requestLoad);
    return group;
}

QWidget *DataPanel::createResults()
{
    m_stack = new QStackedWidget(this);

    // Message page: placeholder, progress text or error.
    m_message = new MessagePage(m_stack);
    m_stack->addWidget(m_message);

    // Overview page.
    auto *overviewPage = new QWidget(m_stack);

    auto *summaryGroup = new QGroupBox(tr("Summary"), overviewPage);
    auto *summaryForm = new QFormLayout(summaryGroup);
    const auto valueLabel = [summaryGroup] {
        auto *label = new QLabel(summaryGroup);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setWordWrap(true);
        return label;
    };
    m_recordsValue = valueLabel();
    m_classesValue = valueLabel();
    m_sizesValue = valueLabel();
    m_fingerprintValue = valueLabel();
    m_descriptionValue = valueLabel();
    summaryForm->addRow(tr("Records:"), m_recordsValue);
    summaryForm->addRow(tr("Classes:"), m_classesValue);
    summaryForm->addRow(tr("Image sizes:"), m_sizesValue);
    summaryForm->addRow(tr("Fingerprint:"), m_fingerprintValue);
    summaryForm->addRow(tr("Description:"), m_descriptionValue);

    auto *chartGroup = new QGroupBox(tr("Class balance"), overviewPage);
    m_chart = new QCustomPlot(chartGroup);
    m_chart->setAccessibleName(tr("Records per class"));
    m_chart->setMinimumHeight(fontMetrics().height() * 10);
    m_chart->yAxis->setLabel(tr("Records"));
    m_chart->installEventFilter(this);
    auto *chartLayout = new QVBoxLayout(chartGroup);
    chartLayout->addWidget(m_chart);
    applyChartPalette();

    auto *problemGroup = new QGroupBox(tr("Problems"), overviewPage);
    m_skippedLabel = new QLabel(problemGroup);
    m_skippedLabel->setWordWrap(true);
    m_problemList = new QListWidget(problemGroup);
    m_problemList->setAccessibleName(tr("Unreadable files and reasons"));
    m_problemList->setMaximumHeight(fontMetrics().height() * 6);
    auto *problemLayout = new QVBoxLayout(problemGroup);
    problemLayout->addWidget(m_skippedLabel);
    problemLayout->addWidget(m_problemList);

    auto *sampleGroup = new QGroupBox(tr("Samples"), overviewPage);
    m_thumbnailHost = new QWidget;
    m_thumbnailGrid = new QGridLayout(m_thumbnailHost);
    m_thumbnailGrid->setSizeConstraint(QLayout::SetMinAndMaxSize);
    m_thumbnailGrid->setHorizontalSpacing(3);
    m_thumbnailGrid->setVerticalSpacing(3);
    auto *scroll = new QScrollArea(sampleGroup);
    scroll->setWidget(m_thumbnailHost);
    scroll->setAccessibleName(tr("Sample images per class"));
    auto *notice = new QLabel(tr("These images are the sensitive data. They are shown only here "
                                 "and never written anywhere else."),
                              sampleGroup);
    notice->setWordWrap(true);
    auto *sampleLayout = new QVBoxLayout(sampleGroup);
    sampleLayout->addWidget(scroll, 1);
    sampleLayout->addWidget(notice);

    auto *left = new QVBoxLayout;
    left->addWidget(summaryGroup);
    left->addWidget(chartGroup, 1);
    left->addWidget(problemGroup);
    auto *overviewLayout = new QHBoxLayout(overviewPage);
    overviewLayout->setContentsMargins(0, 0, 0, 0);
    overviewLayout->addLayout(left, 2);
    overviewLayout->addWidget(sampleGroup, 3);
    m_stack->addWidget(overviewPage);
    return m_stack;
}

void DataPanel::setChoice(const DatasetChoice &choice)
{
    const int index = m_kindBox->findData(choice.kind);
    m_kindBox->setCurrentIndex(index >= 0 ? index : 0);
    m_pathEdit->setText(choice.path);
    m_labelsEdit->setText(choice.labelsPath);
    m_skipBox->setChecked(choice.skipBadFiles);
    updateFormState();
}

DatasetChoice DataPanel::choice() const
{
    DatasetChoice result;
    result.kind = m_kindBox->currentData().toString();
    result.path = m_pathEdit->text().trimmed();
    if (kindNeedsLabels(result.kind)) {
        result.labelsPath = m_labelsEdit->text().trimmed();
    }
    result.skipBadFiles = m_skipBox->isChecked();
    return result;
}

void DataPanel::showLoading()
{
    m_loading = true;
    m_busyBar->show();
    showMessage(tr("Reading the dataset…"), false);
    updateFormState();
}

void DataPanel::showOverview(const DatasetOverview &overview)
{
    m_loading = false;
    m_busyBar->hide();
    const QLocale locale;
    const qsizetype classCount = std::max(overview.classNames.size(), overview.classCounts.size());
    m_recordsValue->setText(locale.toString(overview.records));
    m_classesValue->setText(locale.toString(classCount));
    m_sizesValue->setText(overview.imageSizes.isEmpty()
                              ? tr("unknown")
                              : overview.imageSizes.join(QStringLiteral(", ")));
    m_fingerprintValue->setText(overview.fingerprint);
    m_descriptionValue->setText(overview.description);

    if (overview.skipped > 0) {
        m_skippedLabel->setText(tr("Files skipped because they could not be read: %1.")
                                    .arg(locale.toString(overview.skipped)));
    } else if (overview.problems.isEmpty()) {
        m_skippedLabel->setText(tr("Every file was readable."));
    } else {
        m_skippedLabel->setText(tr("No file was skipped."));
    }
    m_problemList->clear();
    m_problemList->addItems(overview.problems);
    m_problemList->setVisible(!overview.problems.isEmpty());

    fillChart(overview);
    fillThumbnails(overview);
    m_stack->setCurrentIndex(static_cast<int>(ResultPage::Overview));
    updateFormState();
}

void DataPanel::showError(const QString &message)
{
    m_loading = false;
    m_busyBar->hide();
    showMessage(message, true);
    updateFormState();
}

QString DataPanel::summaryText() const
{
    QStringList lines{m_recordsValue->text(),     m_classesValue->text(),
                      m_sizesValue->text(),       m_fingerprintValue->text(),
                      m_descriptionValue->text(), m_skippedLabel->text()};
    lines += m_chartLabels;
    return lines.join(QLatin1Char('\n'));
}

QStringList DataPanel::shownProblems() const
{
    QStringList result;
    for (int row = 0; row < m_problemList->count(); ++row) {
        result.append(m_problemList->item(row)->text());
    }
    return result;
}

QStringList DataPanel::thumbnailRowLabels() const
{
    return m_rowLabels;
}

QString DataPanel::messageText() const
{
    return m_stack->currentIndex() == static_cast<int>(ResultPage::Message) ? m_message->text()
                                                                            : QString();
}

bool DataPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_chart && event->type() == QEvent::Resize) {
        updateTickRotation();
    }
    return QWidget::eventFilter(watched, event);
}

void DataPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange && m_chart != nullptr) {
        applyChartPalette();
        m_chart->replot(QCustomPlot::rpQueuedReplot);
    }
    QWidget::changeEvent(event);
}

void DataPanel::browsePath()
{
    const QString kind = m_kindBox->currentData().toString();
    const QString start = m_pathEdit->text();
    QString path;
    if (kindIsFolder(kind)) {
        path = QFileDialog::getExistingDirectory(this, tr("Choose the dataset folder"), start);
    } else {
        QString filter;
        if (kind == QLatin1String("zip")) {
            filter = tr("Zip archives (*.zip)");
        } else if (kind == QLatin1String("npz")) {
            filter = tr("NumPy archives (*.npz)");
        } else if (kind == QLatin1String("npy")) {
            filter = tr("NumPy arrays (*.npy)");
        } else {
            filter = tr("IDX files (*-ubyte *-ubyte.gz *.idx *.idx3 *.idx3-ubyte *.gz)");
        }
        filter += QStringLiteral(";;") + tr("All files (*)");
        path = QFileDialog::getOpenFileName(this, tr("Choose the images file"), start, filter);
    }
    if (!path.isEmpty()) {
        m_pathEdit->setText(path);
    }
}

void DataPanel::browseLabels()
{
    const bool npy = m_kindBox->currentData().toString() == QLatin1String("npy");
    const QString filter = (npy ? tr("NumPy arrays (*.npy)")
                                : tr("IDX files (*-ubyte *-ubyte.gz *.idx *.idx1 *.gz)")) +
                           QStringLiteral(";;") + tr("All files (*)");
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose the labels file"),
                                                      m_labelsEdit->text(), filter);
    if (!path.isEmpty()) {
        m_labelsEdit->setText(path);
    }
}

void DataPanel::updateFormState()
{
    const QString kind = m_kindBox->currentData().toString();
    const bool labels = kindNeedsLabels(kind);
    m_labelsLabel->setVisible(labels);
    m_labelsEdit->setVisible(labels);
    m_labelsBrowseButton->setVisible(labels);
    const bool bundled = kind == QLatin1String("fashion-mnist");
    m_pathEdit->setPlaceholderText(bundled ? tr("Optional: the Debian package's location is used")
                                   : kindIsFolder(kind)
                                       ? tr("A folder with one sub-folder per class")
                                       : tr("The images file"));
    const bool havePath = bundled || !m_pathEdit->text().trimmed().isEmpty();
    m_loadButton->setEnabled(!m_loading && havePath);
    m_loadButton->setToolTip(havePath ? tr("Read the dataset and show an overview")
                                      : tr("Choose a path first"));
}

void DataPanel::requestLoad()
{
    if (m_loadButton->isEnabled()) {
        Q_EMIT loadRequested(choice());
    }
}

void DataPanel::showMessage(const QString &text, bool isError)
{
    m_message->setMessage(text, isError);
    m_stack->setCurrentIndex(static_cast<int>(ResultPage::Message));
}

void DataPanel::fillChart(const DatasetOverview &overview)
{
    const qsizetype classCount = std::max(overview.classNames.size(), overview.classCounts.size());
    QVector<double> keys;
    QVector<double> values;
    m_chartLabels.clear();
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    double maxCount = 0;
    for (qsizetype i = 0; i < classCount; ++i) {
        const QString name =
            i < overview.classNames.size() ? overview.classNames.at(i) : tr("class %1").arg(i);
        const double count =
            i < overview.classCounts.size() ? static_cast<double>(overview.classCounts.at(i)) : 0.0;
        keys.append(static_cast<double>(i));
        values.append(count);
        ticker->addTick(static_cast<double>(i), name);
        m_chartLabels.append(name);
        maxCount = std::max(maxCount, count);
    }
    m_chart->clearPlottables();
    auto *bars = new QCPBars(m_chart->xAxis, m_chart->yAxis);
    bars->setWidth(0.7);
    bars->setPen(QPen(kBarColor.darker(130)));
    bars->setBrush(kBarColor);
    bars->setData(keys, values, true);
    m_chart->xAxis->setTicker(ticker);
    m_chart->xAxis->setRange(-0.6, static_cast<double>(classCount) - 0.4);
    m_chart->yAxis->setRange(0, maxCount > 0 ? maxCount * 1.08 : 1.0);
    m_chart->xAxis->grid()->setVisible(false);
    updateTickRotation();
    m_chart->replot();
}

void DataPanel::updateTickRotation()
{
    if (m_chartLabels.isEmpty()) {
        return;
    }
    const QFontMetrics metrics(m_chart->xAxis->tickLabelFont());
    int needed = 0;
    for (const QString &label : m_chartLabels) {
        needed += metrics.horizontalAdvance(label) + metrics.horizontalAdvance(QLatin1Char(' '));
    }
    const int available =
        m_chart->axisRect()->width() > 0 ? m_chart->axisRect()->width() : m_chart->width();
    // Counter-clockwise, so each label ends at its tick and none runs past the right edge.
    const double rotation = needed > available ? -45.0 : 0.0;
    if (!qFuzzyCompare(m_chart->xAxis->tickLabelRotation() + 1.0, rotation + 1.0)) {
        m_chart->xAxis->setTickLabelRotation(rotation);
        m_chart->replot(QCustomPlot::rpQueuedReplot);
    }
}

void DataPanel::applyChartPalette()
{
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::WindowText);
    QColor gridColor = pal.color(QPalette::Mid);
    m_chart->setBackground(pal.brush(QPalette::Base));
    for (QCPAxis *axis : {m_chart->xAxis, m_chart->yAxis}) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(gridColor, 0, Qt::DotLine));
    }
    m_chart->xAxis->setSubTicks(false);
}

void DataPanel::fillThumbnails(const DatasetOverview &overview)
{
    while (QLayoutItem *item = m_thumbnailGrid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_rowLabels.clear();

    int classCount = static_cast<int>(overview.classNames.size());
    for (const int label : overview.thumbnailLabels) {
        classCount = std::max(classCount, label + 1);
    }
    QVector<QVector<int>> perClass(classCount);
    const qsizetype n = std::min(overview.thumbnails.size(), overview.thumbnailLabels.size());
    for (qsizetype i = 0; i < n; ++i) {
        const int label = overview.thumbnailLabels.at(i);
        if (label >= 0 && perClass[label].size() < kThumbnailsPerClass) {
            perClass[label].append(static_cast<int>(i));
        }
    }

    const qreal ratio = devicePixelRatioF();
    int row = 0;
    for (int c = 0; c < classCount; ++c) {
        if (perClass.at(c).isEmpty()) {
            continue;
        }
        const QString name =
            c < overview.classNames.size() ? overview.classNames.at(c) : tr("class %1").arg(c);
        auto *rowLabel = new QLabel(name, m_thumbnailHost);
        m_thumbnailGrid->addWidget(rowLabel, row, 0, Qt::AlignRight | Qt::AlignVCenter);
        int column = 1;
        for (const int index : perClass.at(c)) {
            auto *image = new QLabel(m_thumbnailHost);
            image->setPixmap(thumbnailPixmap(overview.thumbnails.at(index), ratio));
            image->setAccessibleName(tr("Sample of %1").arg(name));
            m_thumbnailGrid->addWidget(image, row, column++);
        }
        m_rowLabels.append(name);
        ++row;
    }
    if (row == 0) {
        m_thumbnailGrid->addWidget(new QLabel(tr("No thumbnails."), m_thumbnailHost), 0, 0);
    }
    m_thumbnailGrid->setColumnStretch(kThumbnailsPerClass + 1, 1);
    m_thumbnailHost->adjustSize();
}

} // namespace dpsapf::ui
