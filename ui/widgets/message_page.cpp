// SPDX-License-Identifier: GPL-3.0-or-later
// Centred message with an optional warning icon (message_page.h).
#include "message_page.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

namespace dpsapf::ui {

MessagePage::MessagePage(QWidget *parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_label(new QLabel(this))
{
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('M')) * 50);
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(m_icon, 0, Qt::AlignTop);
    row->addWidget(m_label);
    row->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(2);
}

void MessagePage::setMessage(const QString &text, bool isError)
{
    const int side = style()->pixelMetric(QStyle::PM_MessageBoxIconSize, nullptr, this);
    if (isError) {
        m_icon->setPixmap(
            style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(side));
        m_icon->show();
    } else {
        m_icon->clear();
        m_icon->hide();
    }
    m_label->setText(text);
    // A word-wrapped label alone would wrap short messages into a narrow column.
    m_label->setMinimumWidth(std::min(fontMetrics().horizontalAdvance(text) +
                                          fontMetrics().horizontalAdvance(QLatin1Char('M')),
                                      m_label->maximumWidth()));
}

QString MessagePage::text() const
{
    return m_label->text();
}

} // namespace dpsapf::ui
