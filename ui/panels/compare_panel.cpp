// SPDX-License-Identifier: GPL-3.0-or-later
// Runs compared side by side (compare_panel.h).
#include "compare_panel.h"

#include "plots/metric_curves.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPixmap>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace dpsapf::ui {
namespace {
constexpr int kGalleryHeight = 220;
} // namespace

ComparePanel::ComparePanel(QWidget *parent)
    : QWidget(parent)
    , m_table(new QTableWidget(this))
    , m_curves(new MetricCurves(this))
    , m_galleries(nullptr)
    , m_galleryHost(new QWidget(this))
    , m_add(new QPushButton(tr("&Add run…"), this))
    , m_remove(new QPushButton(tr("&Remove selected run"), this))
    , m_paired(new QPushButton(tr("Start the paired &DP-LoRA run"), this))
    , m_evaluate(new QPushButton(tr("&Evaluate the open run"), this))
    , m_pairedReason(new QLabel(this))
{
    setObjectName(QStringLiteral("ComparePanel"));
    m_paired->setToolTip(tr("Starts a DP-LoRA run with the same data, budget, steps and seed as "
                            "the current run, for a fair comparison."));
    m_evaluate->setToolTip(tr("Computes FID and the accuracy of a classifier trained on the "
                              "generated images (written to eval.json). This uses the sensitive "
                              "data and is not covered by the privacy guarantee; it can take "
                              "minutes."));
    m_evaluate->setEnabled(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectColumns);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_galleries = new QHBoxLayout(m_galleryHost);
    auto *galleryScroll = new QScrollArea(this);
    galleryScroll->setWidget(m_galleryHost);
    galleryScroll->setWidgetResizable(true);
    galleryScroll->setMinimumWidth(160);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addWidget(m_evaluate);
    buttons->addStretch(1);
    buttons->addWidget(m_pairedReason);
    buttons->addWidget(m_paired);

    auto *lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(m_curves);
    lower->addWidget(galleryScroll);
    lower->setStretchFactor(0, 3);
    lower->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(lower);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);

    connect(m_add, &QPushButton::clicked, this, &ComparePanel::addRunRequested);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const int column = m_table->currentColumn();
        if (column >= 0 && column < m_columns.size()) {
            Q_EMIT removeRunRequested(m_columns.at(column).folder);
        }
    });
    connect(m_paired, &QPushButton::clicked, this, &ComparePanel::pairedRunRequested);
    connect(m_evaluate, &QPushButton::clicked, this, &ComparePanel::evaluationRequested);
    setPairedRunAvailable(false, tr("Open a DP-SAPF run first."));
}

void ComparePanel::setRowNames(const QStringList &names)
{
    m_rowNames = names;
    setColumns(m_columns);
}

void ComparePanel::setColumns(const QVector<CompareColumn> &columns)
{
    m_columns = columns;
    m_table->clear();
    m_table->setRowCount(static_cast<int>(m_rowNames.size()));
    m_table->setColumnCount(static_cast<int>(columns.size()));
    m_table->setVerticalHeaderLabels(m_rowNames);
    QStringList titles;
    for (const CompareColumn &column : columns) {
        titles << column.title;
    }
    m_table->setHorizontalHeaderLabels(titles);
    for (int c = 0; c < columns.size(); ++c) {
        const QStringList &values = columns.at(c).values;
        for (int r = 0; r < m_rowNames.size() && r < values.size(); ++r) {
            auto *item = new QTableWidgetItem(values.at(r));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(columns.at(c).folder);
            m_table->setItem(r, c, item);
        }
    }
    m_remove->setEnabled(!columns.isEmpty());
    // Every metric row visible without scrolling.
    m_table->setMinimumHeight(m_table->verticalHeader()->length() +
                              m_table->horizontalHeader()->sizeHint().height() +
                              2 * m_table->frameWidth());

    while (QLayoutItem *item = m_galleries->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (const CompareColumn &column : columns) {
        auto *box = new QWidget(m_galleryHost);
        auto *boxLayout = new QVBoxLayout(box);
        auto *title = new QLabel(column.title, box);
        auto *image = new QLabel(box);
        if (column.samples.isNull()) {
            image->setText(tr("No samples yet"));
        } else {
            image->setPixmap(QPixmap::fromImage(
                column.samples.scaledToHeight(kGalleryHeight, Qt::FastTransformation)));
        }
        boxLayout->addWidget(title);
        boxLayout->addWidget(image, 1);
        m_galleries->addWidget(box);
    }
    m_galleries->addStretch(1);
}

void ComparePanel::setEvaluationAvailable(bool available)
{
    m_evaluate->setEnabled(available);
}

void ComparePanel::setPairedRunAvailable(bool available, const QString &reason)
{
    m_paired->setEnabled(available);
    m_pairedReason->setText(available ? QString() : reason);
}

} // namespace dpsapf::ui
