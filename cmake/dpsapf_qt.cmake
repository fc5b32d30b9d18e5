# SPDX-License-Identifier: GPL-3.0-or-later
# Qt 6 and QCustomPlot discovery plus the strict Qt defines for GUI targets.
find_package(Qt6 6.4 REQUIRED COMPONENTS Widgets PrintSupport Test LinguistTools Concurrent)
find_package(QCustomPlotQt6 REQUIRED) # must come after Qt6 (stack.md)
qt_standard_project_setup()

# Strict string and API rules for everything under ui/ and app/ (style.md section 8).
function(dpsapf_qt_strict target)
    target_compile_definitions(${target} PRIVATE
        QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_URL_CAST_FROM_STRING QT_NO_FOREACH
        QT_DISABLE_DEPRECATED_BEFORE=0x060400)
endfunction()
