// SPDX-License-Identifier: GPL-3.0-or-later
// Typed keys for the user's preferences in QSettings; every key is declared in this one file.
#pragma once

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace dpsapf::app {

template <typename T>
struct Setting {
    const char *key;
    T defaultValue;

    [[nodiscard]] T value() const
    {
        return QSettings()
            .value(QLatin1String(key), QVariant::fromValue(defaultValue))
            .template value<T>();
    }
    void setValue(const T &newValue) const
    {
        QSettings().setValue(QLatin1String(key), QVariant::fromValue(newValue));
    }
};

namespace settings {
inline const Setting<QByteArray> kWindowGeometry{"window/geometry", {}};
inline const Setting<QByteArray> kWindowState{"window/state", {}};
// Locale name such as "de" or "zh_CN"; empty follows the system locale.
inline const Setting<QString> kLanguage{"ui/language", {}};
// Run folders opened or created, newest first.
inline const Setting<QStringList> kRecentRuns{"runs/recent", {}};
// Where "New run" creates run folders (empty: ~/dpsapf-runs).
inline const Setting<QString> kRunsFolder{"runs/folder", {}};
// This computer's speed from "Measure this computer's speed" (0: not measured).
inline const Setting<double> kDpStepSeconds{"speed/dp_step_seconds", 0.0};
inline const Setting<double> kProbeSeconds{"speed/probe_seconds", 0.0};
inline const Setting<double> kPeakMemoryMb{"speed/peak_memory_mb", 0.0};
inline const Setting<int> kSpeedThreads{"speed/threads", 0};
inline const Setting<double> kSpeedGmac{"speed/gmac_per_image", 0.0};
} // namespace settings

} // namespace dpsapf::app
