// SPDX-License-Identifier: GPL-3.0-or-later
// A centred message with an optional warning icon: the placeholder, busy and error state of a
// page's result area (data and model pages).
#pragma once

#include <QWidget>

class QLabel;

namespace dpsapf::ui {

class MessagePage final : public QWidget
{
    Q_OBJECT

public:
    explicit MessagePage(QWidget *parent = nullptr);

    void setMessage(const QString &text, bool isError);
    [[nodiscard]] QString text() const;

private:
    QLabel *m_icon;
    QLabel *m_label;
};

} // namespace dpsapf::ui
