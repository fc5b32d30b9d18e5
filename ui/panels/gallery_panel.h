// SPDX-License-Identifier: GPL-3.0-or-later
// The gallery panel: sample grids written at checkpoints (samples/step_NNNNNN.png, one row per
// class), shown with class labels, nearest-neighbour zoom and a slider over checkpoints.
#pragma once

#include <QImage>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QAction;
class QLabel;
class QPushButton;
class QScrollArea;
class QSlider;
class QStackedWidget;

namespace dpsapf::ui {

class GridImageView;

struct SampleGridFile {
    qint64 step = 0;
    QString path;
};

class GalleryPanel final : public QWidget
{
    Q_OBJECT

public:
    static constexpr double kMinimumZoom = 0.1;
    static constexpr double kMaximumZoom = 32.0;

    explicit GalleryPanel(QWidget *parent = nullptr);

    void setClassNames(const QStringList &names);
    // Sorted by step; follows the newest unless the user moved the slider away from it.
    void setGrids(const QVector<SampleGridFile> &grids);
    [[nodiscard]] int gridCount() const;
    [[nodiscard]] qint64 currentStep() const;  // -1 without grids
    [[nodiscard]] QImage currentImage() const; // null when the file could not be read
    void showStep(qint64 step);
    bool saveCurrent(const QString &path); // PNG
    void setZoom(double factor);
    [[nodiscard]] double zoom() const;

    // For tests and the app: what is on screen.
    [[nodiscard]] QString positionText() const;
    [[nodiscard]] QString errorText() const; // empty when the current grid is shown
    [[nodiscard]] bool isEmptyStateShown() const;
    [[nodiscard]] QSlider *slider() const { return m_slider; }

Q_SIGNALS:
    void currentStepChanged(qint64 step);

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void saveCurrentWithDialog();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void selectIndex(int index, bool forceReload);
    void loadCurrent();
    void updateControls();
    void applyZoom(double factor, bool fit);
    [[nodiscard]] double fitZoom() const;

    QVector<SampleGridFile> m_grids;
    QStringList m_classNames;
    QImage m_image;
    QString m_loadedPath;
    QString m_error;
    int m_index = -1;
    bool m_followNewest = true;
    bool m_fitMode = true;
    double m_zoom = 1.0;

    QStackedWidget *m_outerStack = nullptr;
    QStackedWidget *m_viewStack = nullptr;
    QScrollArea *m_scroll = nullptr;
    GridImageView *m_view = nullptr;
    QLabel *m_errorLabel = nullptr;
    QLabel *m_zoomLabel = nullptr;
    QLabel *m_positionLabel = nullptr;
    QSlider *m_slider = nullptr;
    QPushButton *m_saveButton = nullptr;
    QAction *m_zoomInAction = nullptr;
    QAction *m_zoomOutAction = nullptr;
    QAction *m_fitAction = nullptr;
};

} // namespace dpsapf::ui

Q_DECLARE_METATYPE(dpsapf::ui::SampleGridFile)
