// SPDX-License-Identifier: GPL-3.0-or-later
// Entry point of `dpsapf-studio`, the desktop application.
#include "gui/gui_app.h"

int main(int argc, char **argv)
{
    return dpsapf::app::runGui(argc, argv);
}
