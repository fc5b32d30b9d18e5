// SPDX-License-Identifier: GPL-3.0-or-later
// The About dialog: application, Qt, LibTorch and compute-device versions, and the licence.
#include "dialogs/about_dialog.h"

#include <QDialogButtonBox>
#include <QIcon>
#include <QLabel>
#include <QVBoxLayout>

namespace dpsapf::ui {

AboutDialog::AboutDialog(const EngineInfo &engine, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("About DP-SAPF Studio"));
    auto *icon = new QLabel(this);
    icon->setPixmap(QIcon(QStringLiteral(":/icons/dpsapf-studio.png")).pixmap(64, 64));
    auto *text = new QLabel(aboutText(engine), this);
    text->setTextFormat(Qt::RichText);
    text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    text->setOpenExternalLinks(false);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(icon, 0, Qt::AlignHCenter);
    layout->addWidget(text);
    layout->addWidget(buttons);
}

QString AboutDialog::aboutText(const EngineInfo &engine)
{
    QString text =
        QStringLiteral("<h3>DP-SAPF Studio %1</h3>").arg(engine.applicationVersion.toHtmlEscaped());
    text +=
        QStringLiteral("<p>%1</p>")
            .arg(
                tr("Differentially private synthetic image datasets from a public diffusion model, "
                   "fine-tuned with saliency-aware parameter selection (DP-SAPF)."));
    text += QStringLiteral("<table>");
    const auto row = [&text](const QString &name, const QString &value) {
        text += QStringLiteral("<tr><td><b>%1</b>&nbsp;&nbsp;</td><td>%2</td></tr>")
                    .arg(name.toHtmlEscaped(), value.toHtmlEscaped());
    };
    row(tr("Qt"), QString::fromLatin1(qVersion()));
    row(tr("LibTorch"), engine.libTorchVersion);
    row(tr("Compute device"), engine.device);
    row(tr("Compute threads"), QString::number(engine.computeThreads));
    row(tr("Log file"), engine.logFile.isEmpty() ? tr("none") : engine.logFile);
    text += QStringLiteral("</table>");
    text += QStringLiteral("<p>%1</p>")
                .arg(tr("Licensed under the GNU General Public License, version 3 or later."));
    return text;
}

} // namespace dpsapf::ui
