#include "cli/cli_util.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "common/sanitize.h"
#include "common/strings.h"
#include "formats/vpcflow.h"
#include "formats/webserver.h"

namespace cloudsift::cli {

OutputTarget::OutputTarget(const std::string& path) {
    if (path.empty() || path == "-") {
        tty_ = ::isatty(STDOUT_FILENO) == 1;
        winsize ws{};
        if (tty_ && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
            width_ = ws.ws_col;
        return;
    }
    file_ = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
    if (!*file_) throw std::runtime_error("cannot write " + path);
    width_ = 0;
}

bool StderrIsTty() { return ::isatty(STDERR_FILENO) == 1; }

bool PrintScanSummary(const ScanSummary& scan, bool verbose) {
    auto& err = std::cerr;
    size_t decoded_files = 0;
    for (const auto& f : scan.files)
        if (!f.skipped) ++decoded_files;
    err << "files: " << scan.files.size() << " found, " << decoded_files << " decoded";
    if (scan.files_pruned) err << ", " << scan.files_pruned << " outside --since/--until";
    if (scan.files_skipped) err << ", " << scan.files_skipped << " skipped";
    err << " · " << HumanBytes(scan.bytes_read) << " read, " << HumanBytes(scan.bytes_decoded)
        << " decoded · " << scan.records << " records";
    if (scan.seconds > 0)
        err << " in " << std::fixed << std::setprecision(2) << scan.seconds << " s ("
            << static_cast<uint64_t>(static_cast<double>(scan.records) / scan.seconds)
            << " records/s)";
    err << "\n";
    bool problems = !scan.input_errors.empty();
    for (const auto& e : scan.input_errors) err << "input: " << TerminalSafe(e) << "\n";
    std::map<std::string, uint64_t> formats;
    for (const auto& f : scan.files)
        if (!f.format.empty()) ++formats[f.format];
    if (!formats.empty()) {
        err << "formats:";
        for (const auto& [name, n] : formats) err << " " << name << " " << n;
        err << "\n";
    }
    size_t shown = 0;
    const size_t kMaxShown = verbose ? SIZE_MAX : 20;
    for (const auto& f : scan.files) {
        if (f.pruned) continue;
        bool bad = f.skipped || !f.error.empty() || f.report.bad() > 0;
        if (!bad && f.report.notes().empty()) continue;
        std::string path = TerminalSafe(f.info.path);
        if (bad) problems = true;
        if (shown++ >= kMaxShown) continue;
        if (f.skipped) {
            err << "skipped: " << path << ": " << TerminalSafe(f.error) << "\n";
            continue;
        }
        if (!f.error.empty()) err << "error: " << path << ": " << TerminalSafe(f.error) << "\n";
        if (f.report.bad() > 0) {
            err << "bad input: " << path << ": " << f.report.bad() << " record(s) not decoded (";
            bool first = true;
            for (const auto& [reason, n] : f.report.reasons()) {
                err << (first ? "" : ", ") << TerminalSafe(reason) << " ×" << n;
                first = false;
            }
            err << ")\n";
            for (const auto& s : f.report.samples())
                err << "  at " << (f.format == "cloudtrail" ? "offset/index " : "line ")
                    << s.position << ": " << TerminalSafe(s.reason)
                    << (s.excerpt.empty() ? "" : ": " + TerminalSafe(s.excerpt.substr(0, 80)))
                    << "\n";
        }
        for (const auto& n : f.report.notes()) err << "note: " << path << ": " << TerminalSafe(n) << "\n";
    }
    if (shown > kMaxShown)
        err << "… and " << (shown - kMaxShown) << " more file(s) with notes or problems\n";
    return problems;
}

void AddScanOptions(CLI::App& sub, ScanOptions& options, ScanArgs& args) {
    sub.add_option("paths", options.inputs, "Files, directories (recursive), globs; - for stdin")
        ->required();
    sub.add_option("--threads", options.threads, "Worker threads (default: all cores)");
    sub.add_option("--since", args.since, "Only events at or after this time (ISO 8601 or -2h/-3d)");
    sub.add_option("--until", args.until, "Only events at or before this time (ISO 8601 or -2h/-3d)");
    sub.add_option("--input-format", options.format,
                   "Decode every file with this format (see `cloudsift formats`)");
    sub.add_option("--vpcflow-fields", args.vpcflow_fields,
                   "Field list of headerless VPC Flow Logs (\"${version} ${srcaddr} …\")");
    sub.add_option("--log-format", args.log_format,
                   "nginx log_format string for custom web server logs");
}

void ResolveScanOptions(ScanOptions& options, const ScanArgs& args) {
    const std::string& since = args.since;
    const std::string& until = args.until;
    TimeMs now = NowMs();
    if (!since.empty()) {
        options.since = ParseTimeBound(since, now);
        if (!options.since) throw CLI::ValidationError("--since", "not a time: " + since);
    }
    if (!until.empty()) {
        options.until = ParseTimeBound(until, now);
        if (!options.until) throw CLI::ValidationError("--until", "not a time: " + until);
    }
    if (options.since && options.until && *options.since > *options.until)
        throw CLI::ValidationError("--since", "--since is after --until");
    if (!options.format.empty() && !FindFormat(options.format))
        throw CLI::ValidationError("--input-format", "unknown format: " + options.format);
    if (!args.vpcflow_fields.empty()) {
        auto fields = ParseVpcFlowFields(args.vpcflow_fields);
        if (!fields.ok()) throw CLI::ValidationError("--vpcflow-fields", fields.error().message);
        options.custom_formats.push_back(MakeVpcFlowFormat(std::move(fields.value())));
    }
    if (!args.log_format.empty()) {
        auto format = MakeNginxFormat(args.log_format);
        if (!format.ok()) throw CLI::ValidationError("--log-format", format.error().message);
        options.custom_formats.push_back(std::move(format.value()));
    }
}

} // namespace cloudsift::cli
