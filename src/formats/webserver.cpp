#include "formats/webserver.h"

#include <string>
#include <vector>

#include "common/strings.h"
#include "formats/format_base.h"
#include "formats/text_util.h"
#include "formats/web_util.h"

namespace cloudsift {
namespace {

using namespace formats;

// One piece of a compiled log_format.
struct Segment {
    bool variable = false;
    std::string text; // literal text or variable name
};

struct LogFormat {
    std::vector<Segment> segments;
    bool allow_trailing = false;
};

constexpr std::string_view kCombined =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
    "\"$http_referer\" \"$http_user_agent\"";
constexpr std::string_view kCommon =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent";

Result<LogFormat> Compile(std::string_view spec) {
    LogFormat f;
    size_t i = 0;
    bool any_var = false;
    auto is_name = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    };
    while (i < spec.size()) {
        if (spec[i] == '$' && i + 1 < spec.size() && (spec[i + 1] == '{' || is_name(spec[i + 1]))) {
            std::string name;
            if (spec[i + 1] == '{') {
                size_t close = spec.find('}', i + 2);
                if (close == std::string_view::npos)
                    return Error{"nginx.log_format", "unterminated '${'"};
                name = std::string(spec.substr(i + 2, close - i - 2));
                i = close + 1;
            } else {
                size_t j = i + 1;
                while (j < spec.size() && is_name(spec[j])) ++j;
                name = std::string(spec.substr(i + 1, j - i - 1));
                i = j;
            }
            if (name.empty()) return Error{"nginx.log_format", "empty variable name"};
            if (!f.segments.empty() && f.segments.back().variable)
                return Error{"nginx.log_format",
                             "variables $" + f.segments.back().text + " and $" + name +
                                 " are not separated by literal text"};
            f.segments.push_back({true, std::move(name)});
            any_var = true;
        } else {
            if (f.segments.empty() || f.segments.back().variable) f.segments.push_back({false, ""});
            f.segments.back().text += spec[i];
            ++i;
        }
    }
    if (!any_var) return Error{"nginx.log_format", "log_format has no $variable"};
    return f;
}

// Matches line against f; values[k] receives the k-th variable's text.
bool Match(const LogFormat& f, std::string_view line, std::string_view* values, size_t max_vars) {
    size_t pos = 0, k = 0;
    const auto& segs = f.segments;
    for (size_t s = 0; s < segs.size(); ++s) {
        const Segment& seg = segs[s];
        if (!seg.variable) {
            if (line.compare(pos, seg.text.size(), seg.text) != 0) return false;
            pos += seg.text.size();
            continue;
        }
        if (k >= max_vars) return false;
        if (s + 1 == segs.size()) {
            values[k++] = line.substr(pos);
            pos = line.size();
            continue;
        }
        const std::string& next = segs[s + 1].text;
        size_t found = line.find(next, pos);
        if (found == std::string_view::npos) return false;
        values[k++] = line.substr(pos, found - pos);
        pos = found;
    }
    return pos == line.size() || f.allow_trailing;
}

constexpr size_t kMaxVars = 64;

class WebDecoder final : public LineDecoder {
public:
    explicit WebDecoder(std::vector<const LogFormat*> formats) : formats_(std::move(formats)) {}

private:
    void DecodeLine(std::string_view line, uint64_t line_no, RecordFn emit,
                    DecodeReport& report) override {
        std::string_view values[kMaxVars];
        const LogFormat* matched = nullptr;
        for (const LogFormat* f : formats_) {
            if (Match(*f, line, values, kMaxVars)) {
                matched = f;
                break;
            }
        }
        if (!matched) {
            report.Bad(line_no, "nginx.no_match", line);
            return;
        }
        Reset();
        norm_.cls = EventClass::HttpActivity;
        norm_.logsource = {"", "", {"webserver", ""}};
        norm_.source_type = "nginx";
        WebAliases web;
        HttpRequest req;
        bool has_req = false;
        size_t k = 0;
        for (const Segment& seg : matched->segments) {
            if (!seg.variable) continue;
            std::string_view v = values[k++];
            const std::string& name = seg.text;
            if (v.empty() || v == "-") continue;
            ev_.AddString(name, v);
            if (name == "remote_addr") norm_.src_ip = v;
            else if (name == "remote_port") norm_.src_port = v;
            else if (name == "server_addr") norm_.dst_ip = v;
            else if (name == "server_port") norm_.dst_port = v;
            else if (name == "remote_user") norm_.actor_name = v;
            else if (name == "status") {
                web.status = v;
                norm_.outcome = HttpOutcome(v);
            } else if (name == "http_user_agent") norm_.user_agent = v;
            else if (name == "http_referer") web.referer = v;
            else if (name == "host" || name == "http_host" || name == "server_name") web.host = v;
            else if (name == "request_id") norm_.event_id = v;
            else if (name == "time_local") {
                if (auto t = ParseClfTime(v)) norm_.time = *t;
            } else if (name == "time_iso8601") {
                if (auto t = ParseIsoTime(v)) norm_.time = *t;
            } else if (name == "msec") {
                uint64_t whole;
                std::string_view secs = v.substr(0, v.find('.'));
                if (ParseUint(secs, whole)) norm_.time = TimeMs(whole) * 1000;
            } else if (name == "request") {
                has_req = ParseHttpRequest(v, req);
            } else if (name == "request_method") {
                req.method = v;
            } else if (name == "request_uri") {
                req.target = v;
                SplitUrl(v, req.host, req.stem, req.query);
            }
        }
        if (has_req) {
            ev_.AddString("request_method", req.method);
            ev_.AddString("request_uri", req.target);
            if (!req.protocol.empty()) ev_.AddString("server_protocol", req.protocol);
        }
        norm_.action = req.method;
        norm_.resource = req.stem;
        web.client_ip = norm_.src_ip;
        web.method = req.method;
        web.uri = req.target;
        web.stem = req.stem;
        web.query = req.query;
        web.user_agent = norm_.user_agent;
        if (web.host.empty()) web.host = req.host;
        AddWebAliases(ev_, web);
        Emit(emit, line_no);
    }

    std::vector<const LogFormat*> formats_;
};

const std::vector<const LogFormat*>& BuiltIns() {
    static const LogFormat combined = [] {
        LogFormat f = Compile(kCombined).value();
        f.allow_trailing = true;
        return f;
    }();
    static const LogFormat common = Compile(kCommon).value();
    static const std::vector<const LogFormat*> all = {&combined, &common};
    return all;
}

int SniffNginx(std::string_view head, const FileInfo& info) {
    int lines = 0, good = 0;
    std::string_view values[kMaxVars];
    ForEachLine(head.substr(0, 16384), 1, [&](std::string_view line, uint64_t) {
        if (lines >= 5 || line.empty()) return;
        ++lines;
        for (const LogFormat* f : BuiltIns()) {
            if (Match(*f, line, values, kMaxVars) && ParseClfTime(values[2])) {
                ++good;
                break;
            }
        }
    });
    if (lines > 0 && good * 2 > lines) return 50 + 35 * good / lines;
    return 0;
}

std::unique_ptr<FileDecoder> OpenNginx(const FileInfo&) {
    return std::make_unique<WebDecoder>(BuiltIns());
}

constexpr std::string_view kDescription =
    "nginx / Apache access logs (combined, common, or a custom nginx log_format)";
constexpr std::string_view kExample =
    "203.0.113.9 - alice [01/Mar/2024:12:00:00 +0000] \"GET /admin/login.php?next=/ HTTP/1.1\" "
    "401 512 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"";

class CustomNginxFormat final : public Format {
public:
    explicit CustomNginxFormat(LogFormat f) : format_(std::move(f)) {}
    std::string_view Name() const override { return "nginx"; }
    std::string_view Description() const override { return kDescription; }
    std::string_view Example() const override { return kExample; }
    int Sniff(std::string_view head, const FileInfo&) const override {
        std::string_view values[kMaxVars];
        size_t nl = head.find('\n');
        std::string_view first = head.substr(0, nl);
        if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
        return Match(format_, first, values, kMaxVars) ? 80 : 0;
    }
    bool LineOriented() const override { return true; }
    std::unique_ptr<FileDecoder> Open(const FileInfo&) const override {
        return std::make_unique<WebDecoder>(std::vector<const LogFormat*>{&format_});
    }

private:
    LogFormat format_;
};

} // namespace

Result<std::unique_ptr<Format>> MakeNginxFormat(std::string_view log_format) {
    auto f = Compile(log_format);
    if (!f.ok()) return f.error();
    size_t vars = 0;
    for (const auto& s : f.value().segments) vars += s.variable;
    if (vars > kMaxVars) return Error{"nginx.log_format", "too many variables"};
    return std::unique_ptr<Format>(std::make_unique<CustomNginxFormat>(std::move(f.value())));
}

const Format& NginxFormat() {
    static const SpecFormat format({"nginx", kDescription, kExample, true, SniffNginx, OpenNginx});
    return format;
}

} // namespace cloudsift
