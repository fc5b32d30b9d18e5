// SPDX-License-Identifier: GPL-3.0-or-later
// How CLI subcommands plug into `dpsapf`: each leaf command registers the action that runs when
// it was parsed, returning the process exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <utility>
#include <vector>

namespace dpsapf::app {

using CommandAction = std::function<int()>;

class CommandTable
{
public:
    void add(CLI::App *command, CommandAction action)
    {
        m_entries.emplace_back(command, std::move(action));
    }

    // The action of the parsed leaf command, or an empty function when none was given.
    [[nodiscard]] CommandAction parsedAction() const
    {
        for (const auto &[command, action] : m_entries) {
            if (command->parsed()) {
                return action;
            }
        }
        return {};
    }

private:
    std::vector<std::pair<CLI::App *, CommandAction>> m_entries;
};

} // namespace dpsapf::app
