#include "output/finding_writer.h"

#include <algorithm>
#include <array>
#include <map>

#include "common/sanitize.h"

namespace cloudsift {

bool ParseOutputFormat(std::string_view s, OutputFormat& out) {
    if (s == "table") out = OutputFormat::Table;
    else if (s == "jsonl") out = OutputFormat::Jsonl;
    else if (s == "json") out = OutputFormat::Json;
    else if (s == "csv") out = OutputFormat::Csv;
    else return false;
    return true;
}

namespace {
// The vector as a stream.
template <typename Fn> void ForEachOf(const std::vector<Finding>& findings, Fn fn) {
    for (const auto& f : findings)
        fn(f);
}
} // namespace

void WriteFindingsJsonl(std::ostream& os, const std::vector<Finding>& findings) {
    WriteFindingsJsonl(os, [&](FunctionRef<void(const Finding&)> fn) { ForEachOf(findings, fn); });
}

void WriteFindingsJsonl(std::ostream& os, FindingStream findings) {
    ChunkedWriter out(os);
    findings([&](const Finding& f) {
        AppendFindingJson(out.text(), f);
        out.text() += '\n';
        out.Wrote();
    });
}

namespace {
std::string Join(const std::vector<std::string>& v, char sep) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) out += sep;
        out += v[i];
    }
    return out;
}

const char* LevelColour(std::string_view level) {
    if (level == "critical") return "\x1b[1;37;41m";
    if (level == "high") return "\x1b[1;31m";
    if (level == "medium") return "\x1b[33m";
    if (level == "low") return "\x1b[36m";
    return "\x1b[2m";
}

// Cuts s to at most n display columns (counting UTF-8 code points), adding "…" when cut.
std::string Fit(const std::string& s, size_t n) {
    size_t cols = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
        if (cols == n) return s.substr(0, i > 0 ? i : 0) + "…";
        ++cols;
    }
    return s;
}

std::string Pad(const std::string& s, size_t n) {
    size_t cols = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++cols;
    return cols >= n ? s : s + std::string(n - cols, ' ');
}
} // namespace

void WriteFindingsCsv(std::ostream& os, const std::vector<Finding>& findings) {
    WriteFindingsCsv(os, [&](FunctionRef<void(const Finding&)> fn) { ForEachOf(findings, fn); });
}

void WriteFindingsCsv(std::ostream& os, FindingStream findings) {
    ChunkedWriter out(os);
    out.text() += "time,level,rule_id,rule_title,tactics,techniques,event_name,event_source,"
                  "source_type,actor,access_key,source_ip,user_agent,account,region,event_id,"
                  "file,line_or_index,finding_id\r\n";
    findings([&](const Finding& f) {
        const std::string cells[] = {f.time ? FormatIsoTime(f.time, true) : "",
                                     f.level(), f.rule_id(), f.rule_title(), Join(f.tactics(), ';'),
                                     Join(f.techniques(), ';'), f.event_name, f.event_source,
                                     f.source_type, f.actor, f.access_key, f.source_ip,
                                     f.user_agent, f.account, f.region, f.event_id, f.file,
                                     std::to_string(f.line_or_index), f.finding_id.str()};
        bool first = true;
        for (const auto& c : cells) {
            if (!first)
                out.text() += ',';
            first = false;
            AppendCsvCell(out.text(), c);
        }
        out.text() += "\r\n";
        out.Wrote();
    });
}

namespace {
// The table's columns: the header, then one row per finding.
class TableRows {
public:
    TableRows(std::ostream& os, bool colour, size_t width) : os_(os), colour_(colour) {
        if (width >= 120) {
            size_t extra = width - 120;
            title_w_ += extra / 2;
            actor_w_ += extra - extra / 2;
        }
        os << Pad("TIME", 20) << "  " << Pad("LEVEL", 13) << "  " << Pad("RULE", title_w_) << "  "
           << Pad("EVENT", 28) << "  " << Pad("SOURCE IP", 16) << "  ACTOR\n";
    }
    void Row(const Finding& f) {
        const char* reset = colour_ ? "\x1b[0m" : "";
        std::string level = f.level();
        std::string event = f.event_name.empty() ? f.source_type : f.event_name;
        os_ << Pad(f.time ? FormatIsoTime(f.time) : "-", 20) << "  ";
        if (colour_)
            os_ << LevelColour(level);
        os_ << Pad(level, 13) << reset << "  "
            << Pad(Fit(TerminalSafe(f.rule_title()), title_w_), title_w_) << "  "
            << Pad(Fit(TerminalSafe(event), 28), 28) << "  "
            << Pad(Fit(TerminalSafe(f.source_ip), 16), 16) << "  "
            << Fit(TerminalSafe(f.actor), actor_w_) << "\n";
    }

private:
    std::ostream& os_;
    bool colour_;
    size_t title_w_ = 44, actor_w_ = 40;
};
} // namespace

void WriteFindingsTable(std::ostream& os, const std::vector<Finding>& findings, bool colour,
                        size_t width) {
    std::vector<const Finding*> sorted;
    for (const auto& f : findings) sorted.push_back(&f);
    std::stable_sort(sorted.begin(), sorted.end(), [](const Finding* a, const Finding* b) {
        int la = LevelRank(a->level()), lb = LevelRank(b->level());
        if (la != lb) return la > lb;
        return a->time < b->time;
    });
    TableRows rows(os, colour, width);
    for (const Finding* f : sorted)
        rows.Row(*f);
}

void WriteFindingsTable(std::ostream& os, FindingStream findings, bool colour, size_t width) {
    TableRows rows(os, colour, width);
    // Highest level first (unknown levels last), each level in stream order.
    for (int level = 4; level >= -1; --level)
        findings([&](const Finding& f) {
            if (std::max(-1, LevelRank(f.level())) == level)
                rows.Row(f);
        });
}

std::string LevelTotals(const std::array<uint64_t, 5>& counts) {
    const char* names[] = {"informational", "low", "medium", "high", "critical"};
    std::string out;
    for (int i = 4; i >= 0; --i) {
        if (!out.empty()) out += " · ";
        out += names[i];
        out += ' ';
        out += std::to_string(counts[static_cast<size_t>(i)]);
    }
    return out;
}

} // namespace cloudsift
