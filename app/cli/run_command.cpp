// SPDX-License-Identifier: GPL-3.0-or-later
// The pipeline on the command line. SIGINT: the first Ctrl-C stops after the next checkpoint, the
// second stops at the next step (the last checkpoint stays intact), the third exits at once.
#include "run_command.h"

#include "cli_app.h"
#include "dpsapf/core/atomic_file.h"
#include "dpsapf/core/run_layout.h"
#include "dpsapf/core/run_pipeline.h"
#include "dpsapf/core/run_summary.h"
#include "model_commands.h"
#include "run_progress.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

namespace dpsapf::app {
namespace {

namespace fs = std::filesystem;

core::RunControl g_control;
std::atomic<int> g_interrupts{0};

extern "C" void handleRunInterrupt(int /*signal*/)
{
    const int count = g_interrupts.fetch_add(1);
    if (count == 0) {
        g_control.stopAfterCheckpoint.store(true);
        static const char message[] =
            "\ndpsapf: stopping after the next checkpoint (Ctrl-C again to stop now)\n";
        const ssize_t ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
        (void)ignored;
    } else if (count == 1) {
        g_control.stopNow.store(true);
        static const char message[] = "\ndpsapf: stopping now (Ctrl-C again to exit at once)\n";
        const ssize_t ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
        (void)ignored;
    } else {
        ::_exit(130);
    }
}

// Installs the SIGINT handler for the lifetime of a command.
class InterruptScope
{
public:
    InterruptScope()
    {
        g_control.stopNow.store(false);
        g_control.stopAfterCheckpoint.store(false);
        g_interrupts.store(0);
        struct sigaction action {};
        action.sa_handler = handleRunInterrupt;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGINT, &action, &m_previous);
    }
    ~InterruptScope() { ::sigaction(SIGINT, &m_previous, nullptr); }
    InterruptScope(const InterruptScope &) = delete;
    InterruptScope &operator=(const InterruptScope &) = delete;

private:
    struct sigaction m_previous {};
};

struct OutputOptions {
    bool json = false;
    bool quiet = false;
    [[nodiscard]] ProgressStyle style() const
    {
        return json ? ProgressStyle::Json : quiet ? ProgressStyle::Quiet : ProgressStyle::Auto;
    }
};

struct RunArguments {
    std::string configFile;
    std::string preset;
    std::vector<std::string> sets;
    std::string out;
    bool resume = false;
    bool force = false;
    OutputOptions output;
};

void reportOutcome(RunProgressPrinter &printer, const core::Expected<core::RunOutcome> &outcome,
                   const std::string &dir)
{
    if (!outcome) {
        printer.finished("failed", outcome.error().message);
    } else {
        printer.finished(outcome.value() == core::RunOutcome::Completed ? "completed" : "stopped",
                         dir);
    }
}

int fail(const std::string &command, const core::Error &error)
{
    std::cerr << "dpsapf " << command << ": " << error.message << '\n';
    return error.code == core::ErrorCode::InvalidArgument ? kExitUsage : kExitFailure;
}

core::Expected<core::RunConfig> resolveConfig(const RunArguments &arguments)
{
    core::RunConfig config;
    if (!arguments.preset.empty()) {
        core::Expected<core::RunConfig> preset = core::presetConfig(arguments.preset);
        if (!preset) {
            return preset;
        }
        config = preset.value();
    }
    if (!arguments.configFile.empty()) {
        core::Expected<std::string> text = core::readWholeFile(arguments.configFile);
        if (!text) {
            return core::makeError(core::ErrorCode::InvalidArgument,
                                   "--config: " + text.error().message);
        }
        const nlohmann::json json = nlohmann::json::parse(text.value(), nullptr, false);
        if (json.is_discarded()) {
            return core::makeError(core::ErrorCode::InvalidArgument,
                                   arguments.configFile + ": not valid JSON");
        }
        core::Expected<core::RunConfig> parsed = core::runConfigFromJson(json, config);
        if (!parsed) {
            return core::makeError(core::ErrorCode::InvalidArgument,
                                   arguments.configFile + ": " + parsed.error().message);
        }
        config = parsed.value();
    }
    for (const auto &assignment : arguments.sets) {
        core::Expected<core::RunConfig> updated = core::applyOverride(config, assignment);
        if (!updated) {
            return updated;
        }
        config = updated.value();
    }
    if (config.name.empty()) {
        config.name = fs::path(arguments.out).filename().string();
    }
    if (auto valid = config.validate(); !valid) {
        return valid.error();
    }
    return config;
}

// Prepares (or reopens) one run and runs its remaining stages.
core::Expected<core::RunOutcome> runOne(const core::RunConfig &config, const fs::path &dir,
                                        core::RunOpenMode mode, const OutputOptions &output,
                                        const std::string &label)
{
    RunProgressPrinter printer(output.style(), label);
    const core::RunEventCallback events = [&printer](const core::RunEvent &e) { printer(e); };
    const bool prepared = fs::exists(core::RunPaths{dir}.config());
    if (mode == core::RunOpenMode::Resume && !prepared) {
        return core::makeError(core::ErrorCode::InvalidArgument,
                               dir.string() + ": no prepared run to resume (no config.json)");
    }
    if (mode != core::RunOpenMode::Resume) {
        core::Expected<core::RunConfig> done = core::prepareRun(config, dir, mode, events);
        if (!done) {
            printer.finished("failed", done.error().message);
            return done.error();
        }
    }
    core::Expected<core::RunOutcome> outcome = core::runRemainingStages(dir, &g_control, events);
    reportOutcome(printer, outcome, dir.string());
    return outcome;
}

int printComparison(const std::vector<fs::path> &dirs, bool json, const fs::path &writeTo)
{
    std::vector<core::RunSummary> summaries;
    for (const auto &dir : dirs) {
        core::Expected<core::RunSummary> summary = core::readRunSummary(dir);
        if (!summary) {
            return fail("compare", summary.error());
        }
        summaries.push_back(summary.value());
    }
    nlohmann::json out = nlohmann::json::array();
    for (const auto &summary : summaries) {
        out.push_back(summary.toJson());
    }
    if (!writeTo.empty()) {
        if (auto done = core::writeFileAtomically(writeTo, out.dump(2) + "\n"); !done) {
            return fail("compare", done.error());
        }
    }
    if (json) {
        std::cout << nlohmann::json{{"event", "comparison"}, {"runs", out}}.dump() << '\n';
    } else {
        std::cout << core::comparisonTable(summaries);
        for (const auto &summary : summaries) {
            if (summary.exported) {
                std::cout << "exports of " << summary.name << ": "
                          << core::RunPaths{summary.folder}.exportDir().string() << '\n';
            }
        }
    }
    return kExitOk;
}

int runRun(const RunArguments &arguments)
{
    if (arguments.resume && arguments.force) {
        std::cerr << "dpsapf run: --resume and --force exclude each other\n";
        return kExitUsage;
    }
    const fs::path out = arguments.out;
    core::RunConfig config;
    const fs::path studyFile = out / "study.json";
    std::vector<std::string> variants;
    if (arguments.resume && (arguments.preset.empty() && arguments.configFile.empty())) {
        // The folder says what it is: a study or one run.
        if (core::Expected<std::string> text = core::readWholeFile(studyFile); text) {
            const nlohmann::json study = nlohmann::json::parse(text.value(), nullptr, false);
            variants = study.value("variants", std::vector<std::string>{});
        }
    } else {
        core::Expected<core::RunConfig> resolved = resolveConfig(arguments);
        if (!resolved) {
            return fail("run", resolved.error());
        }
        config = resolved.value();
        variants = config.compareVariants;
    }
    const core::RunOpenMode mode = arguments.resume  ? core::RunOpenMode::Resume
                                   : arguments.force ? core::RunOpenMode::Force
                                                     : core::RunOpenMode::Create;
    InterruptScope interrupts;
    // A failed or stopped run ends the command with its exit code.
    const auto runOrExit = [&](const core::RunConfig &runConfig, const fs::path &dir,
                               core::RunOpenMode runMode,
                               const std::string &label) -> std::optional<int> {
        core::Expected<core::RunOutcome> outcome =
            runOne(runConfig, dir, runMode, arguments.output, label);
        if (!outcome) {
            return fail("run", outcome.error());
        }
        if (outcome.value() == core::RunOutcome::Stopped) {
            std::cerr << "dpsapf run: stopped; continue with dpsapf run --resume --out "
                      << out.string() << '\n';
            return kExitFailure;
        }
        return std::nullopt;
    };
    if (variants.size() < 2) {
        if (const std::optional<int> exit = runOrExit(config, out, mode, "")) {
            return *exit;
        }
        return printComparison({out}, arguments.output.json, {});
    }
    // A study: one run per variant at the same budget, then the comparison.
    std::error_code error;
    if (mode == core::RunOpenMode::Create && fs::exists(out, error) && !fs::is_empty(out, error)) {
        return fail("run", core::makeError(core::ErrorCode::InvalidArgument,
                                           out.string() + ": already exists; use --resume to "
                                                          "continue it or --force to replace it"));
    }
    if (mode == core::RunOpenMode::Force && fs::exists(out, error) && !fs::is_empty(out, error)) {
        if (!fs::exists(studyFile, error)) {
            return fail("run", core::makeError(core::ErrorCode::InvalidArgument,
                                               out.string() + ": not a study folder (no "
                                                              "study.json); refusing to replace "
                                                              "it"));
        }
        fs::remove_all(out, error);
    }
    fs::create_directories(out, error);
    if (mode != core::RunOpenMode::Resume) {
        if (auto done = core::writeFileAtomically(
                studyFile,
                nlohmann::json{{"variants", variants}, {"config", config.toJson()}}.dump(2) + "\n");
            !done) {
            return fail("run", done.error());
        }
    }
    std::vector<fs::path> dirs;
    for (const auto &variant : variants) {
        core::Expected<core::RunConfig> single = core::applyOverride(config, "variant=" + variant);
        if (!single) {
            return fail("run", single.error());
        }
        single.value().compareVariants.clear();
        single.value().name = variant;
        dirs.push_back(out / variant);
        // The study folder was replaced above, so its runs are created afresh.
        const core::RunOpenMode runMode =
            mode == core::RunOpenMode::Force ? core::RunOpenMode::Create : mode;
        if (const std::optional<int> exit =
                runOrExit(single.value(), dirs.back(), runMode, variant)) {
            return *exit;
        }
    }
    return printComparison(dirs, arguments.output.json, out / "comparison.json");
}

int runStageCommand(core::RunStage stage, const std::string &dir, const OutputOptions &output)
{
    InterruptScope interrupts;
    RunProgressPrinter printer(output.style(), "");
    const core::RunEventCallback events = [&printer](const core::RunEvent &e) { printer(e); };
    core::Expected<core::RunOutcome> outcome = core::runStage(dir, stage, &g_control, events);
    reportOutcome(printer, outcome, dir);
    if (!outcome) {
        return fail(core::stageName(stage), outcome.error());
    }
    return outcome.value() == core::RunOutcome::Completed ? kExitOk : kExitFailure;
}

void addOutputFlags(CLI::App *command, OutputOptions &output)
{
    command->add_flag("--json", output.json, "Print machine-readable events, one JSON per line");
    command->add_flag("-q,--quiet", output.quiet, "Print nothing but errors and the result");
}

} // namespace

void addRunCommands(CLI::App &cli, CommandTable &commands)
{
    auto arguments = std::make_shared<RunArguments>();
    auto *run = cli.add_subcommand(
        "run", "Run every stage: prepare, probe, select, train (DP-SGD), generate, export");
    run->add_option("--config", arguments->configFile,
                    "JSON config (keys as in config.json; unknown keys are errors)");
    run->add_option("--preset", arguments->preset,
                    "smoke (seconds), quick (the default experiment, DP-SAPF vs DP-LoRA on "
                    "Fashion-MNIST) or paper (method.md defaults, for a GPU)")
        ->check(CLI::IsMember(core::presetNames()));
    run->add_option("--set", arguments->sets, "Override one key, e.g. --set privacy.epsilon=5");
    run->add_option("--out", arguments->out, "Run folder (a study folder for compare_variants)")
        ->required();
    run->add_flag("--resume", arguments->resume, "Continue the run or study in --out");
    run->add_flag("--force", arguments->force, "Replace an existing run or study in --out");
    addOutputFlags(run, arguments->output);
    commands.add(run, [arguments] { return runRun(*arguments); });

    for (const auto &[stage, description] :
         {std::pair{core::RunStage::Probe, "Run the DP saliency probe of a prepared run"},
          std::pair{core::RunStage::Select,
                    "Select the matrices from the noisy scores (no privacy cost)"},
          std::pair{core::RunStage::Train, "Train (or resume) DP-SGD LoRA fine-tuning"},
          std::pair{core::RunStage::Export, "Write export/: images, arrays, LoRA, report"}}) {
        auto dir = std::make_shared<std::string>();
        auto output = std::make_shared<OutputOptions>();
        auto *command = cli.add_subcommand(core::stageName(stage), description);
        command->add_option("run_dir", *dir, "Run folder")->required();
        addOutputFlags(command, *output);
        const core::RunStage which = stage;
        commands.add(command,
                     [which, dir, output] { return runStageCommand(which, *dir, *output); });
    }

    // `generate` also does text-to-image with --public-model, so its RUN_DIR is optional.
    addGenerateCommand(cli, commands, [](const std::string &dir, bool json, bool quiet) {
        OutputOptions output;
        output.json = json;
        output.quiet = quiet;
        return runStageCommand(core::RunStage::Generate, dir, output);
    });

    auto dirs = std::make_shared<std::vector<std::string>>();
    auto json = std::make_shared<bool>(false);
    auto *compare = cli.add_subcommand("compare", "Compare runs: epsilon, sigma, selection, "
                                                  "trainable parameters, metrics");
    compare->add_option("run_dirs", *dirs, "Run folders")->required();
    compare->add_flag("--json", *json, "Print one JSON object");
    commands.add(compare, [dirs, json] {
        return printComparison(std::vector<fs::path>(dirs->begin(), dirs->end()), *json, {});
    });
}

} // namespace dpsapf::app
