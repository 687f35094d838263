// Helpers shared by subcommands: output destinations, tty detection, run summaries.
#pragma once
#include <CLI/CLI.hpp>

#include <fstream>
#include <iomanip>
#include <map>
#include <iostream>
#include <memory>
#include <string>

#include "io/scan.h"

namespace cloudsift::cli {

//! An output stream: stdout, or a file opened for writing (throws on failure).
class OutputTarget {
public:
    //! path "" or "-" means stdout.
    explicit OutputTarget(const std::string& path);
    std::ostream& stream() { return file_ ? *file_ : std::cout; }
    //! Whether output goes to a terminal (colour allowed).
    bool is_tty() const { return tty_; }
    //! Terminal width (80 when unknown).
    size_t width() const { return width_; }

private:
    std::unique_ptr<std::ofstream> file_;
    bool tty_ = false;
    size_t width_ = 80;
};

//! Whether stderr is a terminal.
bool StderrIsTty();

//! Prints the scan part of a run summary to stderr: files, bytes, records, bad input with file,
//! position and reason (sanitized). Returns whether any input was skipped or malformed.
bool PrintScanSummary(const ScanSummary& scan, bool verbose);

//! Raw text of the options every scanning command shares, resolved by ResolveScanOptions.
struct ScanArgs {
    std::string since, until, vpcflow_fields, log_format;
};

//! Adds the options every scanning command shares to sub.
void AddScanOptions(CLI::App& sub, ScanOptions& options, ScanArgs& args);

//! Resolves time bounds and custom formats into options (throws CLI::ValidationError).
void ResolveScanOptions(ScanOptions& options, const ScanArgs& args);

//! Exit status of a run that completed but skipped or could not read some input.
inline constexpr int kExitInputSkipped = 3;

} // namespace cloudsift::cli
