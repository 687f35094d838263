// cloudsift metrics: counts records by the value of any field (native path such as eventName or
// userIdentity.arn), like a quick GROUP BY over raw logs.
#include <algorithm>
#include <deque>
#include <map>
#include <mutex>

#include "cli/cli_util.h"
#include "cli/command.h"
#include "common/sanitize.h"
#include "common/strings.h"
#include "output/finding_writer.h"

namespace cloudsift::cli {
namespace {

using Counts = std::map<std::string, uint64_t>;

struct MetricsArgs {
    ScanOptions scan;
    ScanArgs scan_args;
    std::string format = "table", output;
    std::vector<std::string> fields;
    size_t top = 50;
    bool quiet = false;
};

// Counts the combined value of the fields for every record of one worker thread.
class MetricsConsumer final : public RecordConsumer {
public:
    MetricsConsumer(const std::vector<FieldPath>& fields, Counts& out) : fields_(fields), out_(out) {}
    void OnRecord(const Record& rec) override {
        key_.clear();
        for (size_t i = 0; i < fields_.size(); ++i) {
            if (i) key_ += '\t';
            bool first = true;
            rec.event.Find(fields_[i], [&](const Value& v) {
                if (!first) key_ += ',';
                first = false;
                key_ += v.Text(buf_);
                return true;
            });
        }
        ++out_[key_];
    }

private:
    const std::vector<FieldPath>& fields_;
    Counts& out_;
    std::string key_, buf_;
};

int RunMetrics(MetricsArgs& a) {
    ResolveScanOptions(a.scan, a.scan_args);
    OutputFormat fmt;
    if (!ParseOutputFormat(a.format, fmt) || fmt == OutputFormat::Json)
        throw CLI::ValidationError("--format", "expected table, jsonl or csv");
    std::vector<FieldPath> fields;
    for (const auto& f : a.fields) fields.push_back(FieldPath::Parse(f));
    std::deque<Counts> slots;
    std::mutex mu;
    ScanSummary summary = Scan(a.scan, [&](unsigned) {
        std::lock_guard<std::mutex> lock(mu);
        slots.emplace_back();
        return std::make_unique<MetricsConsumer>(fields, slots.back());
    });
    Counts total;
    for (const auto& s : slots)
        for (const auto& [k, n] : s) total[k] += n;
    std::vector<std::pair<std::string, uint64_t>> rows(total.begin(), total.end());
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& x, const auto& y) { return x.second > y.second; });
    if (a.top && rows.size() > a.top) rows.resize(a.top);

    OutputTarget out(a.output);
    std::ostream& os = out.stream();
    std::string header;
    for (size_t i = 0; i < a.fields.size(); ++i) header += (i ? "\t" : "") + a.fields[i];
    auto cells = [](const std::string& key) { return Split(key, '\t'); };
    if (fmt == OutputFormat::Csv) {
        for (const auto& f : a.fields) os << CsvCell(f) << ',';
        os << "count\r\n";
        for (const auto& [k, n] : rows) {
            for (auto c : cells(k)) os << CsvCell(c) << ',';
            os << n << "\r\n";
        }
    } else if (fmt == OutputFormat::Jsonl) {
        for (const auto& [k, n] : rows) {
            std::string line = "{";
            auto parts = cells(k);
            for (size_t i = 0; i < parts.size(); ++i) {
                AppendJsonString(line, a.fields[i]);
                line += ':';
                AppendJsonString(line, parts[i]);
                line += ',';
            }
            line += "\"count\":" + std::to_string(n) + "}\n";
            os << line;
        }
    } else {
        uint64_t all = 0;
        for (const auto& [k, n] : total) all += n;
        os << std::setw(10) << "COUNT" << "  " << std::setw(6) << "%" << "  " << TerminalSafe(header)
           << "\n";
        for (const auto& [k, n] : rows) {
            os << std::setw(10) << n << "  " << std::setw(5) << std::fixed << std::setprecision(1)
               << (all ? 100.0 * static_cast<double>(n) / static_cast<double>(all) : 0) << "%  ";
            auto parts = cells(k);
            for (size_t i = 0; i < parts.size(); ++i)
                os << (i ? "  " : "") << (parts[i].empty() ? "-" : TerminalSafe(parts[i]));
            os << "\n";
        }
        os << total.size() << " distinct value(s) over " << all << " record(s)\n";
    }
    bool problems = a.quiet ? summary.bad_records > 0 || summary.files_skipped > 0
                            : PrintScanSummary(summary, false);
    return problems ? kExitInputSkipped : kExitOk;
}

const Registration kMetrics{
    "metrics", "Count records by the value of one or more fields", [](CLI::App& sub) {
        auto a = std::make_shared<MetricsArgs>();
        AddScanOptions(sub, a->scan, a->scan_args);
        sub.add_option("--field", a->fields, "Field path to count by (repeatable: combined key)")
            ->required();
        sub.add_option("--top", a->top, "Show the N most frequent values (0 = all)")
            ->capture_default_str();
        sub.add_option("-f,--format", a->format, "Output: table|jsonl|csv")->capture_default_str();
        sub.add_option("-o,--output", a->output, "Write to FILE");
        sub.add_flag("-q,--quiet", a->quiet, "No summary on stderr");
        return [a] { return RunMetrics(*a); };
    }};

} // namespace
} // namespace cloudsift::cli
