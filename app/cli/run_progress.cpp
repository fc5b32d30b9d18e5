// SPDX-License-Identifier: GPL-3.0-or-later
// Terminal, plain and JSON rendering of pipeline events.
#include "run_progress.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace dpsapf::app {
namespace {

const char *kindName(core::RunEvent::Kind kind)
{
    switch (kind) {
    case core::RunEvent::Kind::StageStarted: return "stage_started";
    case core::RunEvent::Kind::Progress: return "progress";
    case core::RunEvent::Kind::Checkpoint: return "checkpoint";
    case core::RunEvent::Kind::StageFinished: return "stage_finished";
    case core::RunEvent::Kind::Message: return "message";
    }
    return "message";
}

std::string bar(double fraction)
{
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(std::lround(fraction * kWidth));
    return std::string(static_cast<std::size_t>(std::max(0, std::min(kWidth, filled))), '#') +
           std::string(static_cast<std::size_t>(kWidth - std::max(0, std::min(kWidth, filled))),
                       '-');
}

} // namespace

std::string formatClock(double seconds)
{
    const auto total = static_cast<long long>(seconds < 0.0 ? 0.0 : seconds + 0.5);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                  total % 60);
    return buffer;
}

RunProgressPrinter::RunProgressPrinter(ProgressStyle style, std::string runLabel)
    : m_style(style)
    , m_label(std::move(runLabel))
    , m_terminal(::isatty(STDERR_FILENO) == 1)
{}

RunProgressPrinter::~RunProgressPrinter()
{
    endLine();
}

void RunProgressPrinter::endLine()
{
    if (m_open) {
        std::fputc('\n', stderr);
        std::fflush(stderr);
        m_open = false;
    }
}

void RunProgressPrinter::operator()(const core::RunEvent &event)
{
    const std::string stage = core::stageName(event.stage);
    if (m_style == ProgressStyle::Json) {
        nlohmann::json line{{"event", kindName(event.kind)}, {"run", m_label}, {"stage", stage}};
        if (event.kind == core::RunEvent::Kind::Progress ||
            event.kind == core::RunEvent::Kind::Checkpoint) {
            line["step"] = event.step;
            line["total"] = event.total;
        }
        if (!std::isnan(event.loss)) {
            line["loss"] = event.loss;
        }
        if (!std::isnan(event.epsilon)) {
            line["epsilon"] = event.epsilon;
        }
        if (event.etaSeconds >= 0.0) {
            line["eta_seconds"] = event.etaSeconds;
        }
        if (!event.message.empty()) {
            line["message"] = event.message;
        }
        std::cout << line.dump() << '\n' << std::flush;
        return;
    }
    if (m_style == ProgressStyle::Quiet) {
        return;
    }
    const std::string prefix = m_label.empty() ? stage : m_label + " " + stage;
    if (event.kind != core::RunEvent::Kind::Progress) {
        if (event.kind == core::RunEvent::Kind::StageStarted) {
            return;
        }
        endLine();
        std::fprintf(stderr, "[%s] %s\n", prefix.c_str(),
                     event.message.empty() ? "" : event.message.c_str());
        std::fflush(stderr);
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    const double interval = m_terminal ? 0.2 : 30.0;
    if (std::chrono::duration<double>(now - m_lastPrint).count() < interval &&
        event.step != event.total) {
        return;
    }
    m_lastPrint = now;
    const double fraction =
        event.total > 0 ? static_cast<double>(event.step) / static_cast<double>(event.total) : 0.0;
    std::string detail;
    if (!std::isnan(event.loss)) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "  loss %.4f", event.loss);
        detail += buffer;
    }
    if (!std::isnan(event.epsilon)) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "  eps %.3f", event.epsilon);
        detail += buffer;
    }
    if (!event.message.empty()) {
        detail += "  " + event.message;
    }
    std::fprintf(stderr, "%s[%s] %s %3.0f%% %lld/%lld%s  ETA %s%s", m_terminal ? "\r" : "",
                 prefix.c_str(), bar(fraction).c_str(), 100.0 * fraction,
                 static_cast<long long>(event.step), static_cast<long long>(event.total),
                 detail.c_str(),
                 event.etaSeconds >= 0.0 ? formatClock(event.etaSeconds).c_str() : "-",
                 m_terminal ? "   " : "\n");
    std::fflush(stderr);
    m_open = m_terminal;
}

void RunProgressPrinter::finished(const std::string &outcome, const std::string &detail)
{
    endLine();
    if (m_style == ProgressStyle::Json) {
        std::cout << nlohmann::json{{"event", "outcome"},
                                    {"run", m_label},
                                    {"outcome", outcome},
                                    {"detail", detail}}
                         .dump()
                  << '\n'
                  << std::flush;
    }
}

} // namespace dpsapf::app
