// SPDX-License-Identifier: GPL-3.0-or-later
// main() of the multi-class test executables without a GUI.
#include "test_registry.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    QCoreApplication application(argc, argv);
    return dpsapf::test::runRegisteredTests(argc, argv);
}
