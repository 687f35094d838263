#include "formats/eventbridge.h"

#include "common/strings.h"
#include "formats/findings.h"
#include "formats/format_base.h"
#include "formats/text_util.h"

namespace cloudsift {
namespace {

using namespace formats;
using simdjson::dom::element;

//! Fills n from a CloudTrail event object (EventBridge "AWS API Call via CloudTrail" detail).
void NormalizeCloudTrailDetail(element d, Normalized& n) {
    n.cls = EventClass::ApiActivity;
    n.logsource = {"aws", "cloudtrail", {"", ""}};
    n.source_type = "cloudtrail";
    n.event_id = JStr(d, "eventID");
    n.action = JStr(d, "eventName");
    n.service = JStr(d, "eventSource");
    n.src_ip = JStr(d, "sourceIPAddress");
    n.user_agent = JStr(d, "userAgent");
    n.region = JStr(d, "awsRegion");
    n.account = JStr(d, "recipientAccountId");
    n.error_code = JStr(d, "errorCode");
    n.error_message = JStr(d, "errorMessage");
    n.outcome = n.error_code.empty() ? "success" : "failure";
    n.actor_arn = JsonString(d, {"userIdentity", "arn"});
    n.actor_type = JsonString(d, {"userIdentity", "type"});
    n.access_key = JsonString(d, {"userIdentity", "accessKeyId"});
    n.actor_name = JsonString(d, {"userIdentity", "userName"});
    n.session_issuer = JsonString(d, {"userIdentity", "sessionContext", "sessionIssuer", "arn"});
    if (n.actor_name.empty())
        n.actor_name =
            JsonString(d, {"userIdentity", "sessionContext", "sessionIssuer", "userName"});
    element t;
    if (JGet(d, "eventTime", t))
        if (auto ms = JTimeMs(t)) n.time = *ms;
}

class EventBridgeDecoder final : public JsonDocDecoder {
public:
    EventBridgeDecoder() : JsonDocDecoder("eventbridge") {}

private:
    void HandleDocument(element root, uint64_t line, RecordFn emit,
                        DecodeReport& report) override {
        simdjson::dom::array arr;
        if (root.get_array().get(arr) == simdjson::SUCCESS) {
            for (auto child : arr) One(child, line, emit, report);
            return;
        }
        One(root, line, emit, report);
    }

    void One(element e, uint64_t line, RecordFn emit, DecodeReport& report) {
        norm_ = Normalized{};
        if (e.type() != simdjson::dom::element_type::OBJECT) {
            report.Bad(line, "eventbridge.not_object", simdjson::minify(e).substr(0, 120));
            return;
        }
        std::string_view type = JStr(e, "detail-type");
        std::string_view source = JStr(e, "source");
        element detail;
        bool has_detail = JGet(e, "detail", detail);
        if (has_detail && source == "aws.guardduty" && IsGuardDutyFinding(detail)) {
            NormalizeGuardDuty(detail, norm_, scratch_);
            EmitJson(e, emit, line);
            return;
        }
        if (has_detail && source == "aws.securityhub") {
            element findings;
            simdjson::dom::array arr;
            if (JGet(detail, "findings", findings) &&
                findings.get_array().get(arr) == simdjson::SUCCESS) {
                for (auto f : arr) {
                    if (!IsAsffFinding(f)) continue;
                    norm_ = Normalized{};
                    NormalizeAsff(f, norm_, scratch_);
                    EmitJson(f, emit, line);
                }
                return;
            }
        }
        if (has_detail && type == "AWS API Call via CloudTrail" &&
            detail.type() == simdjson::dom::element_type::OBJECT) {
            NormalizeCloudTrailDetail(detail, norm_);
            EmitJson(detail, emit, line);
            return;
        }
        norm_.source_type = "eventbridge";
        if (!type.empty() || has_detail) {
            norm_.logsource = {"aws", "eventbridge", {"", ""}};
            norm_.event_id = JStr(e, "id");
            norm_.action = type;
            norm_.service = source;
            norm_.account = JStr(e, "account");
            norm_.region = JStr(e, "region");
            element resources;
            simdjson::dom::array res;
            if (JGet(e, "resources", resources) &&
                resources.get_array().get(res) == simdjson::SUCCESS && res.begin() != res.end()) {
                std::string_view r;
                if ((*res.begin()).get_string().get(r) == simdjson::SUCCESS) norm_.resource = r;
            }
            element t;
            if (JGet(e, "time", t))
                if (auto ms = JTimeMs(t)) norm_.time = *ms;
        }
        EmitJson(e, emit, line);
    }

    FindingScratch scratch_;
};

int SniffEventBridge(std::string_view head, const FileInfo&) {
    std::string_view h = Trim(head.substr(0, 4096));
    if (!StartsWith(h, "{") && !StartsWith(h, "[")) return 0;
    if (h.find("\"detail-type\"") != std::string_view::npos &&
        h.find("\"detail\"") != std::string_view::npos)
        return 70;
    // Other JSON is not claimed by content (it stays "unrecognized" and is named in the run
    // summary); --input-format eventbridge still decodes any JSON object as a generic event.
    return 0;
}

std::unique_ptr<FileDecoder> OpenEventBridge(const FileInfo&) {
    return std::make_unique<EventBridgeDecoder>();
}

} // namespace

const Format& EventBridgeFormat() {
    static const SpecFormat format(
        {"eventbridge", "EventBridge events (findings and CloudTrail unwrapped) and generic JSON",
         R"({"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":)"
         R"("EC2 Instance State-change Notification","source":"aws.ec2","account":"111122223333",)"
         R"("time":"2024-03-01T12:00:00Z","region":"us-east-1","resources":)"
         R"(["arn:aws:ec2:us-east-1:111122223333:instance/i-0badc0ffee1234567"],)"
         R"("detail":{"instance-id":"i-0badc0ffee1234567","state":"running"}})",
         false, SniffEventBridge, OpenEventBridge});
    return format;
}

} // namespace cloudsift
