// SPDX-License-Identifier: GPL-3.0-or-later
// The `dpsapf` command line: global options, subcommands and exit codes.
#include "cli_app.h"

#include "bench_command.h"
#include "cli_command.h"
#include "common/log_sinks.h"
#include "dpsapf/core/bundled_model.h"
#include "dpsapf/core/logging.h"
#include "dpsapf/core/runtime_info.h"
#include "dpsapf/core/version.h"
#include "evaluate_command.h"
#include "model_commands.h"
#include "pretrain_command.h"
#include "privacy_command.h"
#include "run_command.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace dpsapf::app {
namespace {

std::string versionLine()
{
    const core::RuntimeInfo info = core::queryRuntimeInfo();
    return std::string("dpsapf ") + core::kVersion + " (LibTorch " + info.libTorchVersion + ", " +
           info.defaultDevice() + ")";
}

int printInfo(bool asJson)
{
    const core::RuntimeInfo info = core::queryRuntimeInfo();
    const auto logs = userDataDirectory() / "logs";
    const core::Expected<std::filesystem::path> model = core::bundledModelDir();
    const std::string modelText = model ? model->string() : model.error().message;
    if (asJson) {
        const nlohmann::json out{
            {"version", core::kVersion},
            {"libtorch_version", info.libTorchVersion},
            {"intra_op_threads", info.intraOpThreads},
            {"cuda_build", info.cudaBuild},
            {"cuda_device_count", info.cudaDeviceCount},
            {"mkldnn", info.mkldnnAvailable},
            {"default_device", info.defaultDevice()},
            {"log_directory", logs.string()},
            {"bundled_model", model ? nlohmann::json(modelText) : nlohmann::json(nullptr)}};
        std::cout << out.dump() << '\n';
        return kExitOk;
    }
    std::cout << "DP-SAPF Studio " << core::kVersion << '\n'
              << "  LibTorch        " << info.libTorchVersion
              << (info.cudaBuild ? " (CUDA build)" : " (CPU build)") << '\n'
              << "  torch threads   " << info.intraOpThreads << '\n'
              << "  oneDNN          " << (info.mkldnnAvailable ? "yes" : "no") << '\n'
              << "  default device  " << info.defaultDevice() << '\n'
              << "  log directory   " << logs.string() << '\n'
              << "  bundled model   " << modelText << '\n';
    return kExitOk;
}

} // namespace

int runCli(int argc, char **argv)
{
    CLI::App cli{"DP-SAPF Studio command line: differentially private synthetic image datasets "
                 "from a public "
                 "diffusion model.",
                 "dpsapf"};
    cli.set_version_flag("-V,--version", [] { return versionLine(); });
    cli.require_subcommand(0, 1);
    cli.footer("Exit codes: 0 success, 1 the command failed, 2 invalid command line.\n"
               "The desktop application is started with: dpsapf-studio");

    int threads = 0;
    cli.add_option("--threads", threads, "Compute threads (default: all hardware threads)")
        ->check(CLI::Range(0, 1024));
    bool verbose = false;
    cli.add_flag("-v,--verbose", verbose, "Log debug messages to stderr");

    CommandTable commands;
    auto *info = cli.add_subcommand("info", "Show version, LibTorch, threads and compute devices");
    bool infoJson = false;
    info->add_flag("--json", infoJson, "Print one JSON object");
    commands.add(info, [&infoJson] { return printInfo(infoJson); });
    addPrivacyCommands(cli, commands);
    addPretrainCommands(cli, commands);
    addRunCommands(cli, commands);
    addEvaluateCommands(cli, commands);
    addModelCommands(cli, commands);
    addBenchCommands(cli, commands);

    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp &help) {
        return cli.exit(help);
    } catch (const CLI::CallForAllHelp &help) {
        return cli.exit(help);
    } catch (const CLI::CallForVersion &version) {
        return cli.exit(version);
    } catch (const CLI::ParseError &error) {
        cli.exit(error);
        return kExitUsage;
    }

    LogSinkOptions sinkOptions;
    sinkOptions.logDirectory = userDataDirectory() / "logs";
    sinkOptions.stderrLevel = verbose ? spdlog::level::debug : spdlog::level::warn;
    const LogSinks sinks = makeLogSinks(sinkOptions);
    core::installLogSinks(sinks.sinks, spdlog::level::debug);
    if (!sinks.fileError.empty()) {
        core::logger(core::LogChannel::App)->warn("log file unavailable: {}", sinks.fileError);
    }
    core::configureComputeThreads(threads);

    if (const CommandAction action = commands.parsedAction()) {
        return action();
    }
    std::cout << cli.help();
    return kExitOk;
}

} // namespace dpsapf::app
