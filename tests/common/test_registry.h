// SPDX-License-Identifier: GPL-3.0-or-later
// Several Qt Test classes in one executable (a torch-linked binary needs ~0.75 s to start):
// each test .cpp registers its class with DPSAPF_REGISTER_TEST; test_main.cpp runs them all.
#pragma once

#include <QObject>

#include <functional>
#include <memory>

namespace dpsapf::test {

using TestFactory = std::function<std::unique_ptr<QObject>()>;

// Registers a test class; returns a dummy value so it can initialise a static.
int registerTest(const char *name, TestFactory factory);

// Runs every registered class (or those named with -class NAME) and returns the number of
// classes that failed. Other arguments are passed to QTest::qExec.
int runRegisteredTests(int argc, char **argv);

} // namespace dpsapf::test

#define DPSAPF_REGISTER_TEST(Class)                                                                \
    namespace {                                                                                    \
    [[maybe_unused]] const int kRegistered##Class =                                                \
        ::dpsapf::test::registerTest(#Class, [] { return std::make_unique<Class>(); });            \
    }
