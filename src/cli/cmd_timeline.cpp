// cloudsift timeline: one merged, time-sorted timeline of a case, filtered by entity and time.
#include <iostream>

#include "cli/case_cli.h"
#include "cli/command.h"
#include "common/sanitize.h"
#include "common/time_util.h"
#include "store/case_store.h"
#include "store/investigate.h"
#include "store/render.h"

namespace cloudsift::cli {
namespace {

struct TimelineArgs {
    std::string case_dir, since, until, format = "table";
    store::TimelineFilter filter;
};

int RunTimeline(TimelineArgs& a) {
    TimeMs now = NowMs();
    if (!a.since.empty()) {
        a.filter.since = ParseTimeBound(a.since, now);
        if (!a.filter.since) throw CLI::ValidationError("--since", "bad time: " + a.since);
    }
    if (!a.until.empty()) {
        a.filter.until = ParseTimeBound(a.until, now);
        if (!a.filter.until) throw CLI::ValidationError("--until", "bad time: " + a.until);
    }
    bool timesketch = a.format == "timesketch";
    store::RenderFormat fmt = store::RenderFormat::Jsonl;
    if (!timesketch && !store::ParseRenderFormat(a.format, fmt))
        throw CLI::ValidationError("--format", "expected table, csv, jsonl, json or timesketch");
    auto cs = OpenCaseForReading(a.case_dir);
    if (!cs) return kExitFatal;
    // Streamed: a timeline of millions of events never sits in memory whole.
    store::BatchRenderer out(std::cout, fmt, 80, kTableRowsShown);
    std::string line;
    auto each = [&](const store::Table& tb) -> Status {
        if (!timesketch) {
            out.Add(tb);
            return Ok{};
        }
        // Timesketch JSONL: message, datetime, timestamp_desc plus the timeline columns.
        for (size_t r = 0; r < tb.rows.size(); ++r) {
            line = "{\"message\":";
            AppendJsonString(line, tb.Cell(r, "message"));
            line += ",\"datetime\":";
            AppendJsonString(line, tb.Cell(r, "time"));
            line += ",\"timestamp_desc\":\"Event Time\"";
            for (size_t c = 0; c < tb.columns.size(); ++c) {
                if (tb.columns[c] == "message" || tb.columns[c] == "time" || !tb.rows[r][c]) continue;
                line += ',';
                AppendJsonString(line, tb.columns[c]);
                line += ':';
                AppendJsonString(line, *tb.rows[r][c]);
            }
            line += "}\n";
            std::cout << line;
        }
        return Ok{};
    };
    auto st = cs->conn().QueryBatches(store::TimelineSql(a.filter), 2048, each);
    if (!st) {
        std::cerr << "cloudsift: " << TerminalSafe(st.error().message) << "\n";
        return kExitFatal;
    }
    if (!timesketch) out.Finish();
    return kExitOk;
}

const Registration kTimeline{"timeline", "Merged, time-sorted timeline of a case",
                             [](CLI::App& sub) {
    auto a = std::make_shared<TimelineArgs>();
    sub.add_option("--case", a->case_dir, "Case directory")->required();
    sub.add_option("--actor", a->filter.actor, "Principal ARN (substring) or name");
    sub.add_option("--ip", a->filter.ip, "Source or destination IP");
    sub.add_option("--key", a->filter.key, "Access key id (AKIA…/ASIA…)");
    sub.add_option("--resource", a->filter.resource, "Resource (substring of target or record)");
    sub.add_option("--source", a->filter.source, "Source type (cloudtrail, vpcflow …)");
    sub.add_option("--since", a->since, "From (ISO 8601 or -2h/-3d)");
    sub.add_option("--until", a->until, "Until (ISO 8601 or -2h/-3d)");
    sub.add_flag("--findings-only", a->filter.findings_only, "Only events with findings");
    sub.add_option("--limit", a->filter.limit, "At most N rows");
    sub.add_option("--format", a->format, "Output: table|csv|jsonl|json|timesketch")
        ->capture_default_str();
    return [a] { return RunTimeline(*a); };
}};

} // namespace
} // namespace cloudsift::cli
