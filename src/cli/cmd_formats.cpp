// `cloudsift formats`: lists every log format cloudsift decodes, with an example.
#include <iostream>
#include <string>

#include "cli/command.h"
#include "common/sanitize.h"
#include "formats/format.h"

namespace cloudsift::cli {
namespace {

Registration reg_formats(
    "formats", "List the log formats cloudsift can decode, with an example of each",
    [](CLI::App& sub) -> std::function<int()> {
        auto examples = std::make_shared<bool>(true);
        auto name = std::make_shared<std::string>();
        sub.add_flag("!--no-examples", *examples, "Only names and descriptions");
        sub.add_option("name", *name, "Show only this format");
        return [examples, name]() {
            int shown = 0;
            for (const Format* f : AllFormats()) {
                if (!name->empty() && f->Name() != *name) continue;
                ++shown;
                std::cout << TerminalSafe(f->Name()) << "\t"
                          << (f->LineOriented() ? "lines" : "document") << "\t"
                          << TerminalSafe(f->Description()) << "\n";
                if (*examples && !f->Example().empty())
                    std::cout << "    example: " << TerminalSafe(f->Example()) << "\n";
            }
            if (!name->empty() && shown == 0) {
                std::cerr << "cloudsift formats: unknown format '" << TerminalSafe(*name)
                          << "'\n";
                return kExitUsage;
            }
            return kExitOk;
        };
    });

} // namespace
} // namespace cloudsift::cli
