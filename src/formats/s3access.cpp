#include "formats/s3access.h"

#include <string>

#include "common/strings.h"
#include "formats/format_base.h"
#include "formats/text_util.h"
#include "formats/web_util.h"

namespace cloudsift {
namespace {

using namespace formats;

constexpr std::string_view kNames[] = {
    "bucketowner", "bucket_name", "requestdatetime", "remoteip", "requester", "requestid",
    "operation", "key", "request_uri", "httpstatus", "errorcode", "bytessent", "objectsize",
    "totaltime", "turnaroundtime", "referrer", "useragent", "versionid", "hostid", "sigv",
    "ciphersuite", "authtype", "endpoint", "tlsversion", "accesspointarn", "aclrequired",
    "source_region"};
constexpr size_t kMinFields = 17;
constexpr size_t kMaxTokens = 40;

// The principal kind of a requester ("arn:aws:sts::1:assumed-role/…" → "AssumedRole").
std::string_view ActorType(std::string_view requester) {
    if (StartsWith(requester, "svc:") || requester == "AmazonS3") return "AWSService";
    if (requester.find(":assumed-role/") != std::string_view::npos) return "AssumedRole";
    if (requester.find(":user/") != std::string_view::npos) return "IAMUser";
    if (EndsWith(requester, ":root")) return "Root";
    if (StartsWith(requester, "arn:")) return "AWSAccount";
    if (requester.size() == 64 &&
        requester.find_first_not_of("0123456789abcdef") == std::string_view::npos)
        return "CanonicalUser";
    return {};
}

bool LooksLikeRecord(const std::string_view* toks, size_t n) {
    return n >= kMinFields && toks[2].size() >= 20 && ParseClfTime(toks[2]).has_value();
}

class S3AccessDecoder final : public LineDecoder {
public:
    explicit S3AccessDecoder(const FileInfo& info) : info_(info) {}

private:
    void DecodeLine(std::string_view line, uint64_t line_no, RecordFn emit,
                    DecodeReport& report) override {
        std::string_view toks[kMaxTokens];
        size_t n = 0;
        Tokenizer tz(line, true);
        std::string_view tok;
        while (n < kMaxTokens && tz.Next(tok)) toks[n++] = tok;
        if (n < kMinFields) {
            report.Bad(line_no, n >= 3 && ParseClfTime(toks[2]) ? "s3access.field_count"
                                                               : "s3access.not_a_record",
                       line);
            return;
        }
        auto time = ParseClfTime(toks[2]);
        if (!time) {
            report.Bad(line_no, "s3access.time", line);
            return;
        }
        Reset();
        for (size_t i = 0; i < n && i < std::size(kNames); ++i)
            if (toks[i] != "-" && !toks[i].empty()) ev_.AddString(kNames[i], toks[i]);
        norm_.time = *time;
        norm_.cls = EventClass::HttpActivity;
        norm_.logsource = {"aws", "s3access", {"", ""}};
        norm_.source_type = "s3access";
        norm_.service = "s3.amazonaws.com";
        norm_.account = info_.hints.account;
        norm_.region = info_.hints.region;
        auto val = [&](size_t i) { return toks[i] == "-" ? std::string_view{} : toks[i]; };
        norm_.src_ip = val(3);
        std::string_view requester = val(4);
        if (StartsWith(requester, "arn:")) norm_.actor_arn = requester;
        else norm_.actor_name = requester;
        norm_.actor_type = ActorType(requester);
        norm_.event_id = val(5);
        norm_.action = val(6);
        std::string_view bucket = val(1), key = val(7);
        if (key.empty()) {
            norm_.resource = bucket;
        } else {
            resource_.assign(bucket);
            resource_ += '/';
            resource_ += key;
            norm_.resource = resource_;
        }
        norm_.outcome = HttpOutcome(val(9));
        norm_.error_code = val(10);
        norm_.user_agent = val(16);
        if (n > 22 && toks[22] != "-") {
            // endpoint "s3.eu-west-1.amazonaws.com" / "bucket.s3.us-east-1.amazonaws.com"
            std::string_view ep = toks[22];
            size_t s3 = ep.find("s3.");
            if (s3 != std::string_view::npos) {
                std::string_view rest = ep.substr(s3 + 3);
                size_t dot = rest.find('.');
                if (dot != std::string_view::npos && rest.substr(dot) == ".amazonaws.com" &&
                    rest.find('-') != std::string_view::npos)
                    norm_.region = rest.substr(0, dot);
            }
        }
        Emit(emit, line_no);
    }

    const FileInfo info_;
    std::string resource_;
};

int SniffS3Access(std::string_view head, const FileInfo& info) {
    int lines = 0, good = 0;
    ForEachLine(head.substr(0, 16384), 1, [&](std::string_view line, uint64_t) {
        if (lines >= 5 || line.empty()) return;
        ++lines;
        std::string_view toks[kMaxTokens];
        size_t n = 0;
        Tokenizer tz(line, true);
        std::string_view tok;
        while (n < kMaxTokens && tz.Next(tok)) toks[n++] = tok;
        if (LooksLikeRecord(toks, n)) ++good;
    });
    if (lines > 0 && good * 2 > lines) return 60 + 30 * good / lines;
    return 0;
}

std::unique_ptr<FileDecoder> OpenS3Access(const FileInfo& info) {
    return std::make_unique<S3AccessDecoder>(info);
}

} // namespace

const Format& S3AccessFormat() {
    static const SpecFormat format(
        {"s3access", "Amazon S3 server access logs",
         "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket "
         "[06/Feb/2024:00:00:38 +0000] 192.0.2.3 arn:aws:iam::111122223333:user/alice "
         "3E57427F3EXAMPLE REST.GET.OBJECT reports/q1.csv \"GET /reports/q1.csv HTTP/1.1\" 200 "
         "- 2662992 3462992 70 10 \"-\" \"aws-cli/2.15.0\" - "
         "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 "
         "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com "
         "TLSv1.2 - -",
         true, SniffS3Access, OpenS3Access});
    return format;
}

} // namespace cloudsift
