// SPDX-License-Identifier: GPL-3.0-or-later
// The log panel: a table of recent log records with a minimum-level filter, copy and clear.
#include "widgets/log_panel.h"

#include "models/log_model.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace dpsapf::ui {

// Hides records below a minimum level.
class LogLevelFilter final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setMinimumLevel(LogLevel level)
    {
        m_minimumLevel = level;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override
    {
        const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
        return sourceModel()->data(index, LogModel::kLevelRole).toInt() >=
               static_cast<int>(m_minimumLevel);
    }

private:
    LogLevel m_minimumLevel = LogLevel::Info;
};

LogPanel::LogPanel(LogModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new LogLevelFilter(this))
    , m_view(new QTableView(this))
    , m_levelBox(new QComboBox(this))
{
    m_filter->setSourceModel(m_model);

    m_view->setModel(m_filter);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(LogModel::TimeColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(LogModel::LevelColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(LogModel::ChannelColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setAccessibleName(tr("Log records"));

    m_levelBox->addItem(tr("Debug and above"), static_cast<int>(LogLevel::Debug));
    m_levelBox->addItem(tr("Info and above"), static_cast<int>(LogLevel::Info));
    m_levelBox->addItem(tr("Warnings and errors"), static_cast<int>(LogLevel::Warning));
    m_levelBox->addItem(tr("Errors only"), static_cast<int>(LogLevel::Error));
    m_levelBox->setCurrentIndex(1);
    m_levelBox->setToolTip(tr("Show only log records at or above this level"));

    auto *levelLabel = new QLabel(tr("&Show:"), this);
    levelLabel->setBuddy(m_levelBox);
    auto *copyButton = new QPushButton(tr("&Copy"), this);
    copyButton->setToolTip(tr("Copy every record to the clipboard, e.g. for a bug report"));
    auto *clearButton = new QPushButton(tr("C&lear"), this);

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(levelLabel);
    toolbar->addWidget(m_levelBox);
    toolbar->addStretch(1);
    toolbar->addWidget(copyButton);
    toolbar->addWidget(clearButton);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(toolbar);
    layout->addWidget(m_view, 1);

    connect(m_levelBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_filter->setMinimumLevel(static_cast<LogLevel>(m_levelBox->itemData(index).toInt()));
    });
    connect(copyButton, &QPushButton::clicked, this, &LogPanel::copyToClipboard);
    connect(clearButton, &QPushButton::clicked, m_model, &LogModel::clear);
    // Follow new records unless the user scrolled up to read older ones.
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        m_followNewest = value >= m_view->verticalScrollBar()->maximum();
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &LogPanel::scrollToNewest);
}

int LogPanel::visibleRowCount() const
{
    return m_filter->rowCount();
}

void LogPanel::setMinimumLevelIndex(int index)
{
    m_levelBox->setCurrentIndex(index);
}

void LogPanel::copyToClipboard()
{
    QApplication::clipboard()->setText(m_model->toPlainText());
}

void LogPanel::scrollToNewest()
{
    if (m_followNewest) {
        m_view->scrollToBottom();
    }
}

} // namespace dpsapf::ui
