#include "formats/cloudfront.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/strings.h"
#include "formats/format_base.h"
#include "formats/text_util.h"
#include "formats/web_util.h"

namespace cloudsift {
namespace {

using namespace formats;

const std::vector<std::string>& DefaultFields() {
    static const std::vector<std::string> fields = {
        "date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)",
        "cs-uri-stem", "sc-status", "cs(Referer)", "cs(User-Agent)", "cs-uri-query",
        "cs(Cookie)", "x-edge-result-type", "x-edge-request-id", "x-host-header", "cs-protocol",
        "cs-bytes", "time-taken", "x-forwarded-for", "ssl-protocol", "ssl-cipher",
        "x-edge-response-result-type", "cs-protocol-version", "fle-status",
        "fle-encrypted-fields", "c-port", "time-to-first-byte", "x-edge-detailed-result-type",
        "sc-content-type", "sc-content-len", "sc-range-start", "sc-range-end"};
    return fields;
}

enum class Role : uint8_t {
    None, Date, Time, ClientIp, ClientPort, Method, Host, Stem, Status, Referer, UserAgent, Query,
    RequestId, HostHeader,
};

Role RoleOf(std::string_view n) {
    if (n == "date") return Role::Date;
    if (n == "time") return Role::Time;
    if (n == "c-ip") return Role::ClientIp;
    if (n == "c-port") return Role::ClientPort;
    if (n == "cs-method") return Role::Method;
    if (n == "cs(Host)") return Role::Host;
    if (n == "cs-uri-stem") return Role::Stem;
    if (n == "sc-status") return Role::Status;
    if (n == "cs(Referer)") return Role::Referer;
    if (n == "cs(User-Agent)") return Role::UserAgent;
    if (n == "cs-uri-query") return Role::Query;
    if (n == "x-edge-request-id") return Role::RequestId;
    if (n == "x-host-header") return Role::HostHeader;
    return Role::None;
}

constexpr size_t kMaxFields = 64;

class CloudFrontDecoder final : public LineDecoder {
public:
    explicit CloudFrontDecoder(const FileInfo& info) : info_(info) { SetFields(DefaultFields()); }

private:
    void SetFields(const std::vector<std::string>& names) {
        names_ = names;
        roles_.clear();
        for (const auto& n : names_) roles_.push_back(RoleOf(n));
    }

    void DecodeLine(std::string_view line, uint64_t line_no, RecordFn emit,
                    DecodeReport& report) override {
        if (line.front() == '#') {
            if (StartsWith(line, "#Fields:")) {
                std::vector<std::string> names;
                for (auto part : Split(Trim(line.substr(8)), ' '))
                    if (!part.empty()) names.emplace_back(part);
                if (names.empty() || names.size() > kMaxFields) {
                    report.Bad(line_no, "cloudfront.fields_header", line);
                    return;
                }
                SetFields(names);
            }
            return;
        }
        std::string_view vals[kMaxFields + 1];
        size_t n = 0;
        size_t pos = 0;
        while (n <= kMaxFields) {
            size_t tab = line.find('\t', pos);
            vals[n++] = line.substr(pos, tab == std::string_view::npos ? line.npos : tab - pos);
            if (tab == std::string_view::npos) break;
            pos = tab + 1;
        }
        if (n != names_.size()) {
            report.Bad(line_no, "cloudfront.field_count", line);
            return;
        }
        Reset();
        norm_.cls = EventClass::HttpActivity;
        norm_.logsource = {"aws", "cloudfront", {"webserver", "proxy"}};
        norm_.source_type = "cloudfront";
        norm_.service = "cloudfront.amazonaws.com";
        norm_.account = info_.hints.account;
        WebAliases web;
        std::string_view date, time, host_header;
        for (size_t i = 0; i < n; ++i) {
            std::string_view v = vals[i];
            if (v == "-" || v.empty()) continue;
            ev_.AddString(names_[i], v);
            switch (roles_[i]) {
            case Role::Date: date = v; break;
            case Role::Time: time = v; break;
            case Role::ClientIp: norm_.src_ip = v; break;
            case Role::ClientPort: norm_.src_port = v; break;
            case Role::Method: norm_.action = v; break;
            case Role::Host: web.host = v; break;
            case Role::Stem: norm_.resource = v; break;
            case Role::Status:
                web.status = v;
                norm_.outcome = HttpOutcome(v);
                break;
            case Role::Referer: web.referer = v; break;
            case Role::UserAgent: norm_.user_agent = v; break;
            case Role::Query: web.query = v; break;
            case Role::RequestId: norm_.event_id = v; break;
            case Role::HostHeader: host_header = v; break;
            default: break;
            }
        }
        if (date.size() == 10 && !time.empty()) {
            time_buf_.assign(date);
            time_buf_ += 'T';
            time_buf_ += time;
            time_buf_ += 'Z';
            if (auto t = ParseIsoTime(time_buf_)) norm_.time = *t;
        }
        // c-ip, cs-method, cs-uri-stem and cs-uri-query already carry the Sigma names.
        auto alias = [&](std::string_view name, std::string_view v) {
            if (!v.empty()) ev_.AddString(name, v);
        };
        alias("cs-user-agent", norm_.user_agent);
        alias("cs-referer", web.referer);
        alias("cs-host", host_header.empty() ? web.host : host_header);
        alias("c-useragent", norm_.user_agent);
        Emit(emit, line_no);
    }

    const FileInfo info_;
    std::vector<std::string> names_;
    std::vector<Role> roles_;
    std::string time_buf_;
};

int SniffCloudFront(std::string_view head, const FileInfo& info) {
    if (StartsWith(head, "#Version:") &&
        head.substr(0, 512).find("#Fields: date time x-edge-location") != std::string_view::npos)
        return 95;
    if (head.substr(0, 512).find("#Fields: date time x-edge-location") != std::string_view::npos)
        return 90;
    // Headerless: a tab-separated line starting with a date and a time and 33 values.
    size_t nl = head.find('\n');
    std::string_view first = head.substr(0, nl);
    if (first.size() > 20 && first[4] == '-' && first[10] == '\t' &&
        std::count(first.begin(), first.end(), '\t') + 1 == long(DefaultFields().size()))
        return 70;
    return 0;
}

std::unique_ptr<FileDecoder> OpenCloudFront(const FileInfo& info) {
    return std::make_unique<CloudFrontDecoder>(info);
}

} // namespace

const Format& CloudFrontFormat() {
    static const SpecFormat format(
        {"cloudfront", "Amazon CloudFront standard logs (W3C #Fields header, tab-separated)",
         "2024-03-01\t12:00:00\tIAD89-C1\t2390\t203.0.113.9\tGET\td111111abcdef8.cloudfront.net"
         "\t/index.html\t200\t-\tMozilla/5.0%20(X11)\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGl"
         "TAC4KyHmureZmBNrjGdRLiNIQ==\twww.example.com\thttps\t157\t0.001\t-\tTLSv1.3\t"
         "TLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t51234\t0.001\tHit\ttext/html\t2000\t-\t-",
         true, SniffCloudFront, OpenCloudFront});
    return format;
}

} // namespace cloudsift
