// SPDX-License-Identifier: GPL-3.0-or-later
// The data panel: choose the sensitive dataset, load it, and inspect records, class balance,
// thumbnails and unreadable files. Plain Qt data only; the app layer fills DatasetOverview.
#pragma once

#include <QImage>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QGridLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace dpsapf::ui {

class MessagePage;

struct DatasetChoice {
    QString kind =
        QStringLiteral("fashion-mnist"); // fashion-mnist | folder | zip | npz | idx | npy
    QString path;
    QString labelsPath;
    bool skipBadFiles = false;
};

struct DatasetOverview {
    QString description;
    qint64 records = 0;
    QStringList classNames;
    QVector<qint64> classCounts;
    QVector<QImage> thumbnails;
    QVector<int> thumbnailLabels;
    QStringList imageSizes; // e.g. "28×28: 60000"
    QStringList problems;   // "file: reason"
    qint64 skipped = 0;
    QString fingerprint;
};

class DataPanel final : public QWidget
{
    Q_OBJECT

public:
    // Thumbnails shown per class at most.
    static constexpr int kThumbnailsPerClass = 8;

    explicit DataPanel(QWidget *parent = nullptr);

    void setChoice(const DatasetChoice &choice);
    [[nodiscard]] DatasetChoice choice() const;

    void showLoading();
    void showOverview(const DatasetOverview &overview);
    void showError(const QString &message);

    // For tests and the app: what is on screen.
    [[nodiscard]] bool isLoading() const { return m_loading; }
    [[nodiscard]] QString summaryText() const;
    [[nodiscard]] QStringList shownProblems() const;
    [[nodiscard]] QStringList thumbnailRowLabels() const;
    [[nodiscard]] QString messageText() const;

Q_SIGNALS:
    void loadRequested(const DatasetChoice &choice);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    [[nodiscard]] QWidget *createForm();
    [[nodiscard]] QWidget *createResults();
    void browsePath();
    void browseLabels();
    void updateFormState();
    void requestLoad();
    void showMessage(const QString &text, bool isError);
    void fillChart(const DatasetOverview &overview);
    void fillThumbnails(const DatasetOverview &overview);
    void updateTickRotation();
    void applyChartPalette();

    QComboBox *m_kindBox = nullptr;
    QLineEdit *m_pathEdit = nullptr;
    QPushButton *m_browseButton = nullptr;
    QLabel *m_labelsLabel = nullptr;
    QLineEdit *m_labelsEdit = nullptr;
    QPushButton *m_labelsBrowseButton = nullptr;
    QCheckBox *m_skipBox = nullptr;
    QPushButton *m_loadButton = nullptr;
    QProgressBar *m_busyBar = nullptr;
    QStackedWidget *m_stack = nullptr;
    MessagePage *m_message = nullptr;
    QLabel *m_recordsValue = nullptr;
    QLabel *m_classesValue = nullptr;
    QLabel *m_sizesValue = nullptr;
    QLabel *m_fingerprintValue = nullptr;
    QLabel *m_descriptionValue = nullptr;
    QCustomPlot *m_chart = nullptr;
    QWidget *m_thumbnailHost = nullptr;
    QGridLayout *m_thumbnailGrid = nullptr;
    QLabel *m_skippedLabel = nullptr;
    QListWidget *m_problemList = nullptr;
    QStringList m_chartLabels;
    QStringList m_rowLabels;
    bool m_loading = false;
};

} // namespace dpsapf::ui

Q_DECLARE_METATYPE(dpsapf::ui::DatasetChoice)
Q_DECLARE_METATYPE(dpsapf::ui::DatasetOverview)
