#include "cli/case_cli.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "common/sanitize.h"

namespace cloudsift::cli {

store::RenderFormat RenderFormatArg(const std::string& format) {
    store::RenderFormat fmt;
    if (!store::ParseRenderFormat(format, fmt))
        throw CLI::ValidationError("--format", "expected table, csv, jsonl or json");
    return fmt;
}

std::unique_ptr<store::CaseStore> OpenCaseForReading(const std::string& dir) {
    auto cs = store::CaseStore::Open(dir, store::OpenMode::ReadOnly);
    if (!cs) {
        std::cerr << "cloudsift: " << TerminalSafe(cs.error().message) << "\n";
        return nullptr;
    }
    return std::move(cs.value());
}

} // namespace cloudsift::cli
