// SPDX-License-Identifier: GPL-3.0-or-later
// How `dpsapf run` and the stage commands show pipeline events: a progress bar with ETA per stage
// on a terminal, plain lines when stderr is not a terminal, one JSON object per line on stdout
// with --json, and nothing but errors with --quiet.
#pragma once

#include "dpsapf/core/run_pipeline.h"

#include <chrono>
#include <string>

namespace dpsapf::app {

enum class ProgressStyle { Auto, Json, Quiet };

// "h:mm:ss"
[[nodiscard]] std::string formatClock(double seconds);

class RunProgressPrinter
{
public:
    RunProgressPrinter(ProgressStyle style, std::string runLabel);
    ~RunProgressPrinter();
    RunProgressPrinter(const RunProgressPrinter &) = delete;
    RunProgressPrinter &operator=(const RunProgressPrinter &) = delete;

    void operator()(const core::RunEvent &event);
    // A final "outcome" JSON event (--json) or nothing.
    void finished(const std::string &outcome, const std::string &detail);

private:
    void endLine();

    ProgressStyle m_style;
    std::string m_label;
    bool m_terminal = false;
    bool m_open = false;
    std::chrono::steady_clock::time_point m_lastPrint{};
};

} // namespace dpsapf::app
