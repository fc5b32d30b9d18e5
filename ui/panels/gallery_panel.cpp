// SPDX-License-Identifier: GPL-3.0-or-later
// The gallery panel: sample grids written at checkpoints (samples/step_NNNNNN.png, one row per
// class), shown with class labels, nearest-neighbour zoom and a slider over checkpoints.
#include "panels/gallery_panel.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QIcon>
#include <QImageReader>
#include <QImageWriter>
#include <QKeySequence>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSlider>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <utility>

namespace dpsapf::ui {

namespace {

enum class OuterPage { Empty = 0, Content = 1 };
enum class ViewPage { Image = 0, Error = 1 };

constexpr std::array<double, 17> kZoomLevels{0.1, 0.25, 0.33, 0.5, 0.67, 0.75, 1.0,  1.5, 2.0,
                                             3.0, 4.0,  5.0,  6.0, 8.0,  12.0, 16.0, 32.0};

// The platform's keys for a standard action plus our own, each once (Ctrl+- is often both, and
// a duplicate makes the shortcut ambiguous).
QList<QKeySequence> withStandardKeys(const QKeySequence &own, QKeySequence::StandardKey standard)
{
    QList<QKeySequence> keys{own};
    const auto platform = QKeySequence::keyBindings(standard);
    for (const QKeySequence &key : platform) {
        if (!keys.contains(key)) {
            keys.append(key);
        }
    }
    return keys;
}

} // namespace

// Paints the grid scaled with nearest-neighbour sampling and the class names to the left of each
// row (rows = class count, row height = image height / rows). Ctrl+wheel zooms.
class GridImageView final : public QWidget
{
public:
    using QWidget::QWidget;

    std::function<void(int)> onZoomSteps;

    void setImage(const QImage &image)
    {
        m_image = image;
        updateGeometry();
        resize(sizeHint());
        update();
    }

    void setRowLabels(const QStringList &labels)
    {
        m_labels = labels;
        updateGeometry();
        resize(sizeHint());
        update();
    }

    void setZoom(double zoom)
    {
        m_zoom = zoom;
        updateGeometry();
        resize(sizeHint());
        update();
    }

    [[nodiscard]] int labelWidth() const
    {
        if (m_labels.isEmpty()) {
            return 0;
        }
        int widest = 0;
        for (const QString &label : m_labels) {
            widest = std::max(widest, fontMetrics().horizontalAdvance(label));
        }
        return widest + fontMetrics().horizontalAdvance(QLatin1Char('M'));
    }

    [[nodiscard]] QSize sizeHint() const override
    {
        if (m_image.isNull()) {
            return {0, 0};
        }
        return {labelWidth() + static_cast<int>(std::ceil(m_image.width() * m_zoom)),
                static_cast<int>(std::ceil(m_image.height() * m_zoom))};
    }

protected:
    void paintEvent(QPaintEvent * /*event*/) override
    {
        if (m_image.isNull()) {
            return;
        }
        QPainter painter(this);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
        const double left = labelWidth();
        const QRectF target(left, 0.0, m_image.width() * m_zoom, m_image.height() * m_zoom);
        painter.drawImage(target, m_image);

        const auto rows = static_cast<int>(m_labels.size());
        if (rows == 0) {
            return;
        }
        const double rowHeight = target.height() / rows;
        const int textHeight = fontMetrics().height();
        // Label every k-th row when rows are lower than a line of text.
        const int every = std::max(1, static_cast<int>(std::ceil(textHeight / rowHeight)));
        const double gap = fontMetrics().horizontalAdvance(QLatin1Char('M')) / 2.0;
        painter.setPen(palette().color(QPalette::WindowText));
        for (int row = 0; row < rows; row += every) {
            const QRectF box(0.0, row * rowHeight + rowHeight / 2.0 - textHeight, left - gap,
                             2.0 * textHeight);
            painter.drawText(box, Qt::AlignRight | Qt::AlignVCenter, m_labels.at(row));
        }
    }

    void wheelEvent(QWheelEvent *event) override
    {
        if ((event->modifiers() & Qt::ControlModifier) && onZoomSteps) {
            const int delta = event->angleDelta().y();
            if (delta != 0) {
                onZoomSteps(delta > 0 ? 1 : -1);
            }
            event->accept();
            return;
        }
        event->ignore(); // the scroll area scrolls
    }

private:
    QImage m_image;
    QStringList m_labels;
    double m_zoom = 1.0;
};

GalleryPanel::GalleryPanel(QWidget *parent)
    : QWidget(parent)
{
    m_zoomOutAction =
        new QAction(QIcon::fromTheme(QStringLiteral("zoom-out")), tr("Zoom &out"), this);
    m_zoomOutAction->setShortcuts(
        withStandardKeys(QKeySequence(Qt::CTRL | Qt::Key_Minus), QKeySequence::ZoomOut));
    m_zoomInAction = new QAction(QIcon::fromTheme(QStringLiteral("zoom-in")), tr("Zoom &in"), this);
    m_zoomInAction->setShortcuts(
        withStandardKeys(QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence::ZoomIn));
    m_fitAction = new QAction(QIcon::fromTheme(QStringLiteral("zoom-fit-best")), tr("&Fit"), this);
    m_fitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    for (QAction *action : {m_zoomOutAction, m_zoomInAction, m_fitAction}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        action->setToolTip(
            QStringLiteral("%1 (%2)").arg(action->text().remove(QLatin1Char('&')),
                                          action->shortcut().toString(QKeySequence::NativeText)));
        addAction(action);
    }
    m_fitAction->setToolTip(tr("Fit the grid into the view (%1)")
                                .arg(m_fitAction->shortcut().toString(QKeySequence::NativeText)));

    auto *toolbar = new QHBoxLayout;
    for (QAction *action : {m_zoomOutAction, m_zoomInAction, m_fitAction}) {
        auto *button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        toolbar->addWidget(button);
    }
    m_zoomLabel = new QLabel(this);
    toolbar->addWidget(m_zoomLabel);
    toolbar->addStretch(1);
    m_saveButton = new QPushButton(tr("&Save grid as PNG…"), this);
    m_saveButton->setToolTip(tr("Save the grid shown, at its original size"));
    toolbar->addWidget(m_saveButton);

    m_view = new GridImageView;
    m_view->onZoomSteps = [this](int steps) { steps > 0 ? zoomIn() : zoomOut(); };
    m_scroll = new QScrollArea(this);
    m_scroll->setWidget(m_view);
    m_scroll->setWidgetResizable(false);
    m_scroll->setAlignment(Qt::AlignCenter);
    m_scroll->setBackgroundRole(QPalette::Base);
    m_scroll->setAccessibleName(tr("Sample grid, one row per class"));
    m_scroll->viewport()->installEventFilter(this);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setAlignment(Qt::AlignCenter);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_viewStack = new QStackedWidget(this);
    m_viewStack->addWidget(m_scroll);
    m_viewStack->addWidget(m_errorLabel);

    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setPageStep(1);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setAccessibleName(tr("Checkpoint"));
    auto *sliderLabel = new QLabel(tr("&Checkpoint:"), this);
    sliderLabel->setBuddy(m_slider);
    m_positionLabel = new QLabel(this);
    auto *sliderRow = new QHBoxLayout;
    sliderRow->addWidget(sliderLabel);
    sliderRow->addWidget(m_slider, 1);
    sliderRow->addWidget(m_positionLabel);

    auto *content = new QWidget(this);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addLayout(toolbar);
    contentLayout->addWidget(m_viewStack, 1);
    contentLayout->addLayout(sliderRow);

    auto *empty =
        new QLabel(tr("No samples yet: they appear at each checkpoint while training."), this);
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);

    m_outerStack = new QStackedWidget(this);
    m_outerStack->addWidget(empty);
    m_outerStack->addWidget(content);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_outerStack);

    connect(m_zoomInAction, &QAction::triggered, this, &GalleryPanel::zoomIn);
    connect(m_zoomOutAction, &QAction::triggered, this, &GalleryPanel::zoomOut);
    connect(m_fitAction, &QAction::triggered, this, &GalleryPanel::zoomToFit);
    connect(m_saveButton, &QPushButton::clicked, this, &GalleryPanel::saveCurrentWithDialog);
    connect(m_slider, &QSlider::valueChanged, this,
            [this](int value) { selectIndex(value, false); });
    updateControls();
}

void GalleryPanel::setClassNames(const QStringList &names)
{
    m_classNames = names;
    m_view->setRowLabels(names);
    if (m_fitMode) {
        applyZoom(fitZoom(), true);
    }
}

void GalleryPanel::setGrids(const QVector<SampleGridFile> &grids)
{
    const bool follow = m_followNewest || m_index < 0;
    const qint64 previousStep = currentStep();
    m_grids = grids;
    std::stable_sort(
        m_grids.begin(), m_grids.end(),
        [](const SampleGridFile &a, const SampleGridFile &b) { return a.step < b.step; });
    const auto count = static_cast<int>(m_grids.size());
    {
        const QSignalBlocker blocker(m_slider);
        m_slider->setRange(0, std::max(0, count - 1));
    }
    if (count == 0) {
        m_index = -1;
        m_image = QImage();
        m_loadedPath.clear();
        m_error.clear();
        m_followNewest = true;
        updateControls();
        return;
    }
    int target = count - 1;
    if (!follow) {
        // Stay on the step the user chose (or the last one before it).
        for (int i = count - 1; i >= 0; --i) {
            if (m_grids.at(i).step <= previousStep) {
                target = i;
                break;
            }
        }
    }
    m_index = -1; // indices may have shifted
    selectIndex(target, false);
}

int GalleryPanel::gridCount() const
{
    return static_cast<int>(m_grids.size());
}

qint64 GalleryPanel::currentStep() const
{
    return m_index >= 0 ? m_grids.at(m_index).step : -1;
}

QImage GalleryPanel::currentImage() const
{
    return m_image;
}

void GalleryPanel::showStep(qint64 step)
{
    for (int i = 0; i < m_grids.size(); ++i) {
        if (m_grids.at(i).step == step) {
            selectIndex(i, false);
            return;
        }
    }
}

bool GalleryPanel::saveCurrent(const QString &path)
{
    if (m_image.isNull()) {
        return false;
    }
    QImageWriter writer(path, "png");
    return writer.write(m_image);
}

void GalleryPanel::setZoom(double factor)
{
    applyZoom(factor, false);
}

double GalleryPanel::zoom() const
{
    return m_zoom;
}

QString GalleryPanel::positionText() const
{
    return m_positionLabel->text();
}

QString GalleryPanel::errorText() const
{
    return m_error;
}

bool GalleryPanel::isEmptyStateShown() const
{
    return m_outerStack->currentIndex() == static_cast<int>(OuterPage::Empty);
}

void GalleryPanel::zoomIn()
{
    const auto *next = std::find_if(kZoomLevels.begin(), kZoomLevels.end(),
                                    [this](double level) { return level > m_zoom * 1.001; });
    applyZoom(next != kZoomLevels.end() ? *next : kMaximumZoom, false);
}

void GalleryPanel::zoomOut()
{
    const auto previous = std::find_if(kZoomLevels.rbegin(), kZoomLevels.rend(),
                                       [this](double level) { return level < m_zoom * 0.999; });
    applyZoom(previous != kZoomLevels.rend() ? *previous : kMinimumZoom, false);
}

void GalleryPanel::zoomToFit()
{
    applyZoom(fitZoom(), true);
}

void GalleryPanel::saveCurrentWithDialog()
{
    if (m_image.isNull()) {
        return;
    }
    const QString name = QFileInfo(m_grids.at(m_index).path).fileName();
    const QString start =
        QDir(QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)).filePath(name);
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save sample grid"), start, tr("PNG images (*.png)"));
    if (path.isEmpty()) {
        return;
    }
    if (!saveCurrent(path)) {
        QMessageBox::warning(this, tr("Save sample grid"),
                             tr("Could not write %1.").arg(QDir::toNativeSeparators(path)));
    }
}

bool GalleryPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_scroll->viewport() && event->type() == QEvent::Resize && m_fitMode) {
        applyZoom(fitZoom(), true);
    }
    return QWidget::eventFilter(watched, event);
}

void GalleryPanel::selectIndex(int index, bool forceReload)
{
    if (index < 0 || index >= m_grids.size()) {
        return;
    }
    const qint64 previousStep = currentStep();
    m_index = index;
    m_followNewest = index == m_grids.size() - 1;
    if (forceReload || m_grids.at(index).path != m_loadedPath || m_image.isNull()) {
        loadCurrent();
    }
    {
        const QSignalBlocker blocker(m_slider);
        m_slider->setValue(index);
    }
    updateControls();
    if (currentStep() != previousStep) {
        Q_EMIT currentStepChanged(currentStep());
    }
}

void GalleryPanel::loadCurrent()
{
    const QString path = m_grids.at(m_index).path;
    QImageReader reader(path);
    m_image = reader.read();
    m_loadedPath = path;
    if (m_image.isNull()) {
        m_error = tr("Cannot show the samples of step %1: %2 (%3).")
                      .arg(QLocale().toString(m_grids.at(m_index).step),
                           QDir::toNativeSeparators(path), reader.errorString());
    } else {
        m_error.clear();
    }
    m_view->setImage(m_image);
    if (m_fitMode) {
        applyZoom(fitZoom(), true);
    }
}

void GalleryPanel::updateControls()
{
    const auto count = static_cast<int>(m_grids.size());
    m_outerStack->setCurrentIndex(
        static_cast<int>(count == 0 ? OuterPage::Empty : OuterPage::Content));
    if (count == 0) {
        m_positionLabel->clear();
        return;
    }
    m_positionLabel->setText(tr("step %1 (%2 of %3)")
                                 .arg(QLocale().toString(currentStep()))
                                 .arg(m_index + 1)
                                 .arg(count));
    m_errorLabel->setText(m_error);
    m_viewStack->setCurrentIndex(
        static_cast<int>(m_error.isEmpty() ? ViewPage::Image : ViewPage::Error));
    m_slider->setEnabled(count > 1);
    const bool haveImage = !m_image.isNull();
    m_saveButton->setEnabled(haveImage);
    m_zoomInAction->setEnabled(haveImage && m_zoom < kMaximumZoom);
    m_zoomOutAction->setEnabled(haveImage && m_zoom > kMinimumZoom);
    m_fitAction->setEnabled(haveImage);
    m_zoomLabel->setText(tr("%1 %").arg(QLocale().toString(m_zoom * 100.0, 'f', 0)));
}

void GalleryPanel::applyZoom(double factor, bool fit)
{
    m_fitMode = fit;
    m_zoom = std::clamp(factor, kMinimumZoom, kMaximumZoom);
    m_view->setZoom(m_zoom);
    updateControls();
}

double GalleryPanel::fitZoom() const
{
    if (m_image.isNull()) {
        return m_zoom;
    }
    const QSize available = m_scroll->viewport()->size();
    const double width = available.width() - m_view->labelWidth();
    const double scale = std::min(width / m_image.width(),
                                  static_cast<double>(available.height()) / m_image.height());
    if (scale <= 0.0) {
        return m_zoom;
    }
    // From 2× up, whole factors keep every sample pixel the same size.
    return scale >= 2.0 ? std::floor(scale) : scale;
}

} // namespace dpsapf::ui
