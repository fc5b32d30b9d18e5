// SPDX-License-Identifier: GPL-3.0-or-later
// Typed keys for the user's preferences in QSettings; every key is declared in this one file.
#pragma once

#include <QByteArray>
#include <QSettings>
#include <QString>
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
} // namespace settings

} // namespace dpsapf::app
