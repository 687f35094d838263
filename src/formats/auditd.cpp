#include "formats/auditd.h"

#include "common/strings.h"
#include "formats/format_base.h"
#include "formats/text_util.h"

namespace cloudsift {
namespace {

using namespace formats;

constexpr size_t kMaxPairs = 256;

class AuditdDecoder final : public LineDecoder {
private:
    void DecodeLine(std::string_view line, uint64_t line_no, RecordFn emit,
                    DecodeReport& report) override {
        Reset();
        std::string_view s = line;
        if (StartsWith(s, "node=")) {
            size_t sp = s.find(' ');
            if (sp == std::string_view::npos) {
                report.Bad(line_no, "auditd.not_audit", line);
                return;
            }
            ev_.AddString("node", s.substr(5, sp - 5));
            s = s.substr(sp + 1);
        }
        size_t sp = s.find(' ');
        if (!StartsWith(s, "type=") || sp == std::string_view::npos) {
            report.Bad(line_no, "auditd.not_audit", line);
            return;
        }
        std::string_view type = s.substr(5, sp - 5);
        s = s.substr(sp + 1);
        if (!StartsWith(s, "msg=audit(")) {
            report.Bad(line_no, "auditd.not_audit", line);
            return;
        }
        size_t close = s.find("):");
        if (close == std::string_view::npos) {
            report.Bad(line_no, "auditd.timestamp", line);
            return;
        }
        std::string_view stamp = s.substr(10, close - 10);
        size_t colon = stamp.find(':');
        std::string_view when = stamp.substr(0, colon);
        size_t dot = when.find('.');
        uint64_t secs = 0, millis = 0;
        if (colon == std::string_view::npos || !ParseUint(when.substr(0, dot), secs) ||
            (dot != std::string_view::npos && !ParseUint(when.substr(dot + 1), millis)) ||
            secs > (1ull << 40)) {
            report.Bad(line_no, "auditd.timestamp", line);
            return;
        }
        ev_.AddString("type", type);
        ev_.AddString("audit_time", when);
        ev_.AddString("audit_serial", stamp.substr(colon + 1));
        norm_.time = TimeMs(secs) * 1000 + TimeMs(millis % 1000);
        norm_.cls = EventClass::SystemActivity;
        norm_.logsource = {"linux", "auditd", {"", ""}};
        norm_.source_type = "auditd";
        norm_.action = type;
        pairs_ = 0;
        Pairs(s.substr(close + 2), 0);
        if (StartsWith(type, "USER_") || type == "CRED_ACQ" || type == "LOGIN")
            norm_.cls = EventClass::Authentication;
        Emit(emit, line_no);
    }

    // Parses key=value pairs of s (depth 0: the record; 1: inside msg='…').
    void Pairs(std::string_view s, int depth) {
        size_t i = 0;
        while (i < s.size() && pairs_ < kMaxPairs) {
            while (i < s.size() && s[i] == ' ') ++i;
            size_t eq = s.find('=', i);
            if (eq == std::string_view::npos) break;
            std::string_view key = s.substr(i, eq - i);
            if (key.find(' ') != std::string_view::npos) {
                // Free text (e.g. a trailing message): skip the word.
                size_t sp = s.find(' ', i);
                if (sp == std::string_view::npos) break;
                i = sp + 1;
                continue;
            }
            size_t v = eq + 1;
            std::string_view value;
            if (v < s.size() && (s[v] == '"' || s[v] == '\'')) {
                char q = s[v];
                size_t end = s.find(q, v + 1);
                if (end == std::string_view::npos) end = s.size();
                value = s.substr(v + 1, end - v - 1);
                i = end + 1;
                if (q == '\'' && depth == 0 && value.find('=') != std::string_view::npos) {
                    Pairs(value, 1);
                    continue;
                }
            } else {
                size_t end = s.find(' ', v);
                if (end == std::string_view::npos) end = s.size();
                value = s.substr(v, end - v);
                i = end;
            }
            ++pairs_;
            if (key.empty()) continue;
            ev_.AddString(key, value);
            Use(key, value);
        }
    }

    void Use(std::string_view key, std::string_view value) {
        bool unknown = value == "?" || value.empty();
        if (key == "acct" && !unknown) norm_.actor_name = value;
        else if (key == "addr" && !unknown) norm_.src_ip = value;
        else if (key == "exe" && !unknown && norm_.resource.empty()) norm_.resource = value;
        else if (key == "success") norm_.outcome = value == "yes" ? "success" : "failure";
        else if (key == "res")
            norm_.outcome = (value == "success" || value == "1") ? "success" : "failure";
    }

    size_t pairs_ = 0;
};

int SniffAuditd(std::string_view head, const FileInfo& info) {
    int lines = 0, good = 0;
    ForEachLine(head.substr(0, 8192), 1, [&](std::string_view line, uint64_t) {
        if (lines >= 5 || line.empty()) return;
        ++lines;
        if (StartsWith(line, "node=")) line = line.substr(line.find(' ') + 1);
        if (StartsWith(line, "type=") && line.find(" msg=audit(") != std::string_view::npos)
            ++good;
    });
    if (lines > 0 && good * 2 > lines) return 60 + 35 * good / lines;
    return 0;
}

std::unique_ptr<FileDecoder> OpenAuditd(const FileInfo&) {
    return std::make_unique<AuditdDecoder>();
}

} // namespace

const Format& AuditdFormat() {
    static const SpecFormat format(
        {"auditd", "Linux audit log (type=… msg=audit(…): key=value)",
         "type=SYSCALL msg=audit(1709294400.123:4242): arch=c000003e syscall=59 success=yes "
         "exit=0 ppid=1000 pid=4243 auid=1000 uid=0 comm=\"curl\" exe=\"/usr/bin/curl\" "
         "key=\"exec\"",
         true, SniffAuditd, OpenAuditd});
    return format;
}

} // namespace cloudsift
