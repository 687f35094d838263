#include "formats/elb.h"

#include "common/ip.h"
#include "common/strings.h"
#include "formats/format_base.h"
#include "formats/text_util.h"
#include "formats/web_util.h"

namespace cloudsift {
namespace {

using namespace formats;

constexpr std::string_view kAlbNames[] = {
    "type", "time", "elb", "client:port", "target:port", "request_processing_time",
    "target_processing_time", "response_processing_time", "elb_status_code",
    "target_status_code", "received_bytes", "sent_bytes", "request", "user_agent", "ssl_cipher",
    "ssl_protocol", "target_group_arn", "trace_id", "domain_name", "chosen_cert_arn",
    "matched_rule_priority", "request_creation_time", "actions_executed", "redirect_url",
    "error_reason", "target:port_list", "target_status_code_list", "classification",
    "classification_reason", "conn_trace_id"};
constexpr std::string_view kAlbConnNames[] = {
    "time", "client_ip", "client_port", "listener_port", "tls_protocol", "tls_cipher",
    "tls_handshake_latency", "leaf_client_cert_subject", "leaf_client_cert_validity",
    "leaf_client_cert_serial_number", "tls_verify_status", "conn_trace_id"};
constexpr std::string_view kNlbNames[] = {
    "type", "version", "time", "elb", "listener", "client:port", "destination:port",
    "connection_time", "tls_handshake_time", "received_bytes", "sent_bytes",
    "incoming_tls_alert", "chosen_cert_arn", "chosen_cert_serial", "tls_cipher",
    "tls_protocol_version", "tls_named_group", "domain_name", "alpn_fe_protocol",
    "alpn_be_protocol", "alpn_client_preference_list", "tls_connection_creation_time"};
constexpr std::string_view kElbNames[] = {
    "time", "elb", "client:port", "backend:port", "request_processing_time",
    "backend_processing_time", "response_processing_time", "elb_status_code",
    "backend_status_code", "received_bytes", "sent_bytes", "request", "user_agent",
    "ssl_cipher", "ssl_protocol"};

enum class Shape { Alb, AlbConn, Nlb, Classic, Unknown };

bool IsAlbType(std::string_view t) {
    return t == "http" || t == "https" || t == "h2" || t == "grpcs" || t == "ws" || t == "wss";
}

Shape Classify(std::string_view t0, std::string_view t1) {
    if (IsAlbType(t0)) return Shape::Alb;
    if (t0 == "tls") return Shape::Nlb;
    if (t0.size() >= 19 && t0[4] == '-' && t0[10] == 'T' && ParseIsoTime(t0)) {
        return ParseIp(t1) ? Shape::AlbConn : Shape::Classic;
    }
    return Shape::Unknown;
}

constexpr size_t kMaxTokens = 48;

class ElbDecoder final : public LineDecoder {
public:
    explicit ElbDecoder(const FileInfo& info) : info_(info) {}

private:
    void DecodeLine(std::string_view line, uint64_t line_no, RecordFn emit,
                    DecodeReport& report) override {
        std::string_view* toks = toks_; // member storage: no per-line initialization
        size_t n = 0;
        Tokenizer tz(line);
        std::string_view tok;
        while (n < kMaxTokens && tz.Next(tok)) toks[n++] = tok;
        if (n < 2) {
            report.Bad(line_no, "elb.not_a_record", line);
            return;
        }
        Shape shape = Classify(toks[0], toks[1]);
        Reset();
        norm_.account = info_.hints.account;
        norm_.region = info_.hints.region;
        norm_.service = "elasticloadbalancing";
        bool ok = false;
        switch (shape) {
        case Shape::Alb: ok = n >= 16 && Http(toks, n, kAlbNames, std::size(kAlbNames), 1); break;
        case Shape::Classic:
            ok = n >= 15 && Http(toks, n, kElbNames, std::size(kElbNames), 0);
            break;
        case Shape::Nlb: ok = n >= 21 && Nlb(toks, n); break;
        case Shape::AlbConn: ok = n >= 11 && AlbConn(toks, n); break;
        case Shape::Unknown:
            report.Bad(line_no, "elb.not_a_record", line);
            return;
        }
        if (!ok) {
            report.Bad(line_no, "elb.field_count", line);
            return;
        }
        Emit(emit, line_no);
    }

    void AddAll(const std::string_view* toks, size_t n, const std::string_view* names,
                size_t count) {
        for (size_t i = 0; i < n && i < count; ++i)
            if (toks[i] != "-" && !toks[i].empty()) ev_.AddString(names[i], toks[i]);
    }

    void SplitEndpoint(std::string_view v, std::string_view ip_name, std::string_view port_name,
                       std::string_view& ip, std::string_view& port) {
        if (SplitHostPort(v, ip, port)) {
            ev_.AddString(ip_name, ip);
            ev_.AddString(port_name, port);
        }
    }

    void RegionFromArn(std::string_view arn) {
        std::string_view region, account;
        if (!ArnRegionAccount(arn, region, account)) return;
        if (norm_.region.empty()) norm_.region = region;
        if (norm_.account.empty()) norm_.account = account;
    }

    // ALB (offset 1, after "type") and classic ELB (offset 0) share the HTTP columns.
    bool Http(const std::string_view* toks, size_t n, const std::string_view* names,
              size_t count, size_t o) {
        AddAll(toks, n, names, count);
        bool alb = o == 1;
        norm_.cls = EventClass::HttpActivity;
        norm_.logsource = {"aws", "elb", {"webserver", "proxy"}};
        norm_.source_type = alb ? "alb" : "elb";
        if (auto t = ParseIsoTime(toks[o])) norm_.time = *t;
        SplitEndpoint(toks[o + 2], "client_ip", "client_port", norm_.src_ip, norm_.src_port);
        SplitEndpoint(toks[o + 3], alb ? "target_ip" : "backend_ip",
                      alb ? "target_port" : "backend_port", norm_.dst_ip, norm_.dst_port);
        std::string_view status = toks[o + 7];
        norm_.outcome = HttpOutcome(status);
        HttpRequest req;
        if (ParseHttpRequest(toks[o + 11], req)) {
            ev_.AddString("request_verb", req.method);
            ev_.AddString("request_url", req.target);
            if (!req.protocol.empty()) ev_.AddString("request_proto", req.protocol);
            norm_.action = req.method;
            norm_.resource = req.stem;
        }
        std::string_view ua = toks[o + 12] == "-" ? std::string_view{} : toks[o + 12];
        norm_.user_agent = ua;
        if (alb) {
            norm_.protocol = toks[0];
            if (n > 16 && toks[16] != "-") RegionFromArn(toks[16]);
            if (n > 17 && toks[17] != "-") norm_.event_id = toks[17];
            if (n > 24 && toks[24] != "-") norm_.error_code = toks[24];
        }
        AddWebAliases(ev_, {norm_.src_ip, req.method, req.target, req.stem, req.query, status,
                            ua, {}, req.host});
        return true;
    }

    bool Nlb(const std::string_view* toks, size_t n) {
        AddAll(toks, n, kNlbNames, std::size(kNlbNames));
        norm_.cls = EventClass::NetworkActivity;
        norm_.logsource = {"aws", "elb", {"", ""}};
        norm_.source_type = "nlb";
        norm_.protocol = "tls";
        if (auto t = ParseIsoTime(toks[2])) norm_.time = *t;
        SplitEndpoint(toks[5], "client_ip", "client_port", norm_.src_ip, norm_.src_port);
        SplitEndpoint(toks[6], "destination_ip", "destination_port", norm_.dst_ip,
                      norm_.dst_port);
        if (toks[17] != "-") norm_.resource = toks[17];
        if (toks[12] != "-") RegionFromArn(toks[12]);
        norm_.outcome = toks[11] == "-" ? "success" : "failure";
        if (toks[11] != "-") norm_.error_code = toks[11];
        return true;
    }

    bool AlbConn(const std::string_view* toks, size_t n) {
        AddAll(toks, n, kAlbConnNames, std::size(kAlbConnNames));
        norm_.cls = EventClass::NetworkActivity;
        norm_.logsource = {"aws", "elb", {"", ""}};
        norm_.source_type = "alb";
        norm_.protocol = "tls";
        if (auto t = ParseIsoTime(toks[0])) norm_.time = *t;
        norm_.src_ip = toks[1];
        norm_.src_port = toks[2];
        norm_.dst_port = toks[3];
        std::string_view verify = toks[10];
        norm_.outcome = verify == "Success" ? "success"
                        : StartsWith(verify, "Failed") ? "failure" : "";
        if (norm_.outcome == "failure") norm_.error_code = verify;
        return true;
    }

    const FileInfo info_;
    std::string_view toks_[kMaxTokens];
};

// Counts the shapes of the first lines of head.
void CountShapes(std::string_view head, int counts[5], int& lines) {
    lines = 0;
    ForEachLine(head.substr(0, 16384), 1, [&](std::string_view line, uint64_t) {
        if (lines >= 8 || line.empty()) return;
        ++lines;
        Tokenizer tz(line);
        std::string_view t0, t1;
        if (!tz.Next(t0) || !tz.Next(t1)) {
            ++counts[int(Shape::Unknown)];
            return;
        }
        ++counts[int(Classify(t0, t1))];
    });
}

// Scores a file for one variant: the family must make up most lines; the variant's own share
// decides. alb is the family default (its decoder reads every variant as well).
int SniffShape(std::string_view head, const FileInfo& info, Shape a, Shape b, int base) {
    int counts[5] = {0, 0, 0, 0, 0};
    int lines = 0;
    CountShapes(head, counts, lines);
    int path = IEquals(info.hints.service, "elasticloadbalancing") ? base - 10 : 0;
    int family = lines - counts[int(Shape::Unknown)];
    int own = counts[int(a)] + (b == Shape::Unknown ? 0 : counts[int(b)]);
    if (lines == 0 || own == 0 || family * 2 <= lines) return path;
    return std::max(path, base + (90 - base) * own / lines);
}

int SniffAlb(std::string_view head, const FileInfo& info) {
    return SniffShape(head, info, Shape::Alb, Shape::AlbConn, 55);
}
int SniffNlb(std::string_view head, const FileInfo& info) {
    return SniffShape(head, info, Shape::Nlb, Shape::Unknown, 50);
}
int SniffElb(std::string_view head, const FileInfo& info) {
    return SniffShape(head, info, Shape::Classic, Shape::Unknown, 50);
}

std::unique_ptr<FileDecoder> OpenElb(const FileInfo& info) {
    return std::make_unique<ElbDecoder>(info);
}

} // namespace

const Format& AlbFormat() {
    static const SpecFormat format(
        {"alb", "Application Load Balancer access and connection logs", 
         "https 2024-03-01T12:00:00.123456Z app/web/50dc6c495c0c9188 203.0.113.9:51234 "
         "10.0.1.15:8080 0.001 0.020 0.000 200 200 310 2048 "
         "\"GET https://shop.example.com:443/cart?id=7 HTTP/1.1\" \"Mozilla/5.0\" "
         "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
         "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/73e2d6bc24d8a067 "
         "\"Root=1-65e1c3a0-1234567890abcdef12345678\" \"shop.example.com\" \"-\" 1 "
         "2024-03-01T12:00:00.100000Z \"forward\" \"-\" \"-\" \"10.0.1.15:8080\" \"200\" \"-\" "
         "\"-\" TID_1234",
         true, SniffAlb, OpenElb});
    return format;
}

const Format& NlbFormat() {
    static const SpecFormat format(
        {"nlb", "Network Load Balancer TLS listener access logs",
         "tls 2.0 2024-03-01T12:00:00 net/api/c6e77e28c25b2234 g3d4b5e8bb8464cd "
         "203.0.113.9:51234 10.0.1.15:443 5 2 98 246 - "
         "arn:aws:acm:us-east-1:111122223333:certificate/2a108f19 - ECDHE-RSA-AES128-SHA tlsv12 "
         "- api.example.com h2 h2 \"h2\",\"http/1.1\" 2024-03-01T11:59:50",
         true, SniffNlb, OpenElb});
    return format;
}

const Format& ElbFormat() {
    static const SpecFormat format(
        {"elb", "Classic Load Balancer access logs",
         "2024-03-01T12:00:00.123456Z legacy-elb 203.0.113.9:51234 10.0.1.15:80 0.000073 "
         "0.001048 0.000057 200 200 0 29 \"GET http://www.example.com:80/ HTTP/1.1\" "
         "\"curl/8.0\" - -",
         true, SniffElb, OpenElb});
    return format;
}

} // namespace cloudsift
