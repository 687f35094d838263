// cloudsift entry point: parses the command line and dispatches to a registered subcommand.
#include <algorithm>
#include <exception>
#include <iostream>
#include <map>

#include "cli/command.h"
#include "common/sanitize.h"

namespace cloudsift::cli {
std::vector<CommandSpec>& Commands() {
    static std::vector<CommandSpec> commands;
    return commands;
}
} // namespace cloudsift::cli

int main(int argc, char** argv) {
    using namespace cloudsift::cli;
    CLI::App app{"cloudsift — incident detection and response workbench for AWS logs"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "cloudsift 0.1.0");
    auto& commands = Commands();
    std::sort(commands.begin(), commands.end(),
              [](const CommandSpec& a, const CommandSpec& b) { return a.name < b.name; });
    std::map<CLI::App*, std::function<int()>> runners;
    for (auto& spec : commands) {
        CLI::App* sub = app.add_subcommand(spec.name, spec.help);
        runners[sub] = spec.setup(*sub);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? kExitOk : kExitUsage;
    }
    try {
        for (auto& [sub, run] : runners)
            if (sub->parsed()) return run();
    } catch (const CLI::Error& e) {
        std::cerr << "cloudsift: " << cloudsift::TerminalSafe(e.what()) << "\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "cloudsift: " << cloudsift::TerminalSafe(e.what()) << "\n";
        return kExitFatal;
    }
    return kExitUsage;
}
