// SPDX-License-Identifier: GPL-3.0-or-later
// The one include of <qcustomplot.h> (style.md section 8). QCustomPlot 2.1 uses bare `signals:`,
// `slots:` and `foreach`, which QT_NO_KEYWORDS / QT_NO_FOREACH remove; they are mapped here only.
#pragma once

// Every Qt header that qcustomplot.h pulls in, parsed before the keyword mapping below.
#include <QtCore/QCache>
#include <QtCore/QDateTime>
#include <QtCore/QDebug>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFlags>
#include <QtCore/QMargins>
#include <QtCore/QMultiMap>
#include <QtCore/QStack>
#include <QtCore/QString>
#include <QtCore/QTimeZone>
#include <QtCore/QVector>
#include <QtCore/QtNumeric>
#include <QtPrintSupport/QtPrintSupport>
#include <QtWidgets/QWidget>
#include <qmath.h>

#ifndef signals
#define DPSAPF_QCP_MAPPED_SIGNALS
#define signals Q_SIGNALS
#endif
#ifndef slots
#define DPSAPF_QCP_MAPPED_SLOTS
#define slots Q_SLOTS
#endif
#ifndef foreach
// Only plottableAt() and itemAt() use it, read-only over a const member QList.
#define DPSAPF_QCP_MAPPED_FOREACH
#define foreach(variable, container) for (variable : container)
#endif

#include <qcustomplot.h>

#ifdef DPSAPF_QCP_MAPPED_SIGNALS
#undef signals
#undef DPSAPF_QCP_MAPPED_SIGNALS
#endif
#ifdef DPSAPF_QCP_MAPPED_SLOTS
#undef slots
#undef DPSAPF_QCP_MAPPED_SLOTS
#endif
#ifdef DPSAPF_QCP_MAPPED_FOREACH
#undef foreach
#undef DPSAPF_QCP_MAPPED_FOREACH
#endif
