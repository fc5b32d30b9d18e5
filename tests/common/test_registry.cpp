// SPDX-License-Identifier: GPL-3.0-or-later
// Registry and runner for several Qt Test classes in one executable.
#include "test_registry.h"

#include <QCoreApplication>
#include <QtTest>

#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace dpsapf::test {
namespace {

std::map<std::string, TestFactory> &registry()
{
    static std::map<std::string, TestFactory> tests;
    return tests;
}

} // namespace

int registerTest(const char *name, TestFactory factory)
{
    registry().emplace(name, std::move(factory));
    return 0;
}

int runRegisteredTests(int argc, char **argv)
{
    std::vector<std::string> selected;
    std::vector<char *> passThrough{argv[0]};
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "-class") == 0 && i + 1 < argc) {
            selected.emplace_back(argv[++i]);
        } else {
            passThrough.push_back(argv[i]);
        }
    }
    int failedClasses = 0;
    for (const auto &[name, factory] : registry()) {
        if (!selected.empty() &&
            std::find(selected.begin(), selected.end(), name) == selected.end()) {
            continue;
        }
        const std::unique_ptr<QObject> test = factory();
        if (QTest::qExec(test.get(), static_cast<int>(passThrough.size()), passThrough.data()) !=
            0) {
            ++failedClasses;
        }
    }
    return failedClasses;
}

} // namespace dpsapf::test
