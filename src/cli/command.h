// Subcommand registry: each cli/cmd_*.cpp registers itself with a static Registration object.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace cloudsift::cli {

//! Configures a subcommand's options and returns the function that runs it (exit status).
using CommandSetup = std::function<std::function<int()>(CLI::App& sub)>;

//! One registered subcommand.
struct CommandSpec {
    std::string name;
    std::string help;
    CommandSetup setup;
};

//! All registered subcommands.
std::vector<CommandSpec>& Commands();

//! Registers a subcommand at static-initialization time.
struct Registration {
    Registration(std::string name, std::string help, CommandSetup setup) {
        Commands().push_back({std::move(name), std::move(help), std::move(setup)});
    }
};

//! Exit statuses shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFatal = 1;
inline constexpr int kExitUsage = 2;

} // namespace cloudsift::cli
