#include "formats/findings.h"

#include <charconv>

#include "common/strings.h"
#include "formats/format_base.h"
#include "formats/text_util.h"

namespace cloudsift {
namespace formats {
namespace {

using simdjson::dom::element;

// Value at key, trying the camelCase key and then its PascalCase form.
bool Key(element e, std::string_view key, element& out, std::string& tmp) {
    if (JGet(e, key, out)) return true;
    if (key.empty() || key[0] < 'a' || key[0] > 'z') return false;
    tmp.assign(key);
    tmp[0] = char(tmp[0] - 32);
    return JGet(e, tmp, out);
}

// Walks a path of keys (camel or Pascal); arrays on the way take their first element.
bool Path(element e, std::initializer_list<std::string_view> keys, element& out,
          std::string& tmp) {
    for (auto k : keys) {
        simdjson::dom::array arr;
        if (e.get_array().get(arr) == simdjson::SUCCESS) {
            if (arr.begin() == arr.end()) return false;
            e = *arr.begin();
        }
        if (!Key(e, k, e, tmp)) return false;
    }
    out = e;
    return true;
}

std::string_view PathStr(element e, std::initializer_list<std::string_view> keys,
                         std::string& tmp) {
    element v;
    std::string_view s;
    if (!Path(e, keys, v, tmp) || v.get_string().get(s) != simdjson::SUCCESS) return {};
    return s;
}

std::string_view Number(element v, std::string& buf) {
    std::string_view s;
    if (v.get_string().get(s) == simdjson::SUCCESS) return s;
    double d;
    if (v.get_double().get(d) == simdjson::SUCCESS) {
        char tmp[32];
        int len = std::snprintf(tmp, sizeof tmp, "%g", d);
        buf.assign(tmp, size_t(len > 0 ? len : 0));
        return buf;
    }
    int64_t i;
    if (v.get_int64().get(i) == simdjson::SUCCESS) {
        buf = std::to_string(i);
        return buf;
    }
    return {};
}

void CommonFinding(Normalized& n, std::string_view service, std::string_view product) {
    n.cls = EventClass::DetectionFinding;
    n.logsource = {"aws", product, {"", ""}};
    n.source_type = product;
    n.service = service;
}

} // namespace

bool IsGuardDutyFinding(element e) {
    std::string tmp;
    element v;
    return e.type() == simdjson::dom::element_type::OBJECT && Key(e, "type", v, tmp) &&
           Key(e, "id", v, tmp) && (Key(e, "severity", v, tmp) || Key(e, "service", v, tmp)) &&
           !JGet(e, "ProductArn", v);
}

bool IsAsffFinding(element e) {
    element v;
    return e.type() == simdjson::dom::element_type::OBJECT && JGet(e, "ProductArn", v) &&
           (JGet(e, "Types", v) || JGet(e, "SchemaVersion", v));
}

std::string_view FindingLevel(std::string_view severity) {
    static constexpr std::string_view kLabels[] = {"informational", "low", "medium", "high",
                                                   "critical"};
    std::string_view s = Trim(severity);
    for (auto label : kLabels)
        if (IEquals(s, label)) return label;
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !(v >= 0) || v > 100)
        return "medium";
    if (v > 10) {
        if (v >= 90) return "critical";
        if (v >= 70) return "high";
        if (v >= 40) return "medium";
        return "low";
    }
    if (v >= 9) return "critical";
    if (v >= 7) return "high";
    if (v >= 4) return "medium";
    return v > 0 ? "low" : "informational";
}

void NormalizeGuardDuty(element f, Normalized& n, FindingScratch& s) {
    std::string& tmp = s.key;
    CommonFinding(n, "guardduty.amazonaws.com", "guardduty");
    n.event_id = PathStr(f, {"id"}, tmp);
    n.finding_type = PathStr(f, {"type"}, tmp);
    n.account = PathStr(f, {"accountId"}, tmp);
    n.region = PathStr(f, {"region"}, tmp);
    element v;
    if (Key(f, "severity", v, tmp)) n.severity = Number(v, s.severity);
    if (Key(f, "updatedAt", v, tmp) || Key(f, "createdAt", v, tmp))
        if (auto t = JTimeMs(v)) n.time = *t;
    element res;
    if (Key(f, "resource", res, tmp)) {
        n.instance_id = PathStr(res, {"instanceDetails", "instanceId"}, tmp);
        n.access_key = PathStr(res, {"accessKeyDetails", "accessKeyId"}, tmp);
        n.actor_name = PathStr(res, {"accessKeyDetails", "userName"}, tmp);
        n.actor_type = PathStr(res, {"accessKeyDetails", "userType"}, tmp);
        n.actor_arn = PathStr(res, {"accessKeyDetails", "principalId"}, tmp);
        if (!StartsWith(n.actor_arn, "arn:")) n.actor_arn = {};
        n.vpc_id = PathStr(res, {"instanceDetails", "networkInterfaces", "vpcId"}, tmp);
        n.interface_id =
            PathStr(res, {"instanceDetails", "networkInterfaces", "networkInterfaceId"}, tmp);
        std::string_view r = n.instance_id;
        if (r.empty()) r = PathStr(res, {"s3BucketDetails", "name"}, tmp);
        if (r.empty()) r = PathStr(res, {"eksClusterDetails", "name"}, tmp);
        if (r.empty()) r = n.actor_name;
        if (r.empty()) r = PathStr(res, {"resourceType"}, tmp);
        n.resource = r;
    }
    element action;
    if (Path(f, {"service", "action"}, action, tmp)) {
        n.action = PathStr(action, {"actionType"}, tmp);
        static constexpr std::string_view kActions[] = {
            "awsApiCallAction", "networkConnectionAction", "kubernetesApiCallAction",
            "rdsLoginAttemptAction", "dnsRequestAction"};
        for (auto a : kActions) {
            std::string_view ip = PathStr(action, {a, "remoteIpDetails", "ipAddressV4"}, tmp);
            if (!ip.empty()) {
                n.src_ip = ip;
                break;
            }
        }
        if (n.src_ip.empty())
            n.src_ip = PathStr(action, {"portProbeAction", "portProbeDetails", "remoteIpDetails",
                                        "ipAddressV4"},
                               tmp);
        if (n.user_agent.empty())
            n.user_agent = PathStr(action, {"awsApiCallAction", "userAgent", "fullUserAgent"}, tmp);
        std::string_view api = PathStr(action, {"awsApiCallAction", "api"}, tmp);
        if (!api.empty()) n.action = api;
    }
}

void NormalizeAsff(element f, Normalized& n, FindingScratch& s) {
    std::string& tmp = s.key;
    CommonFinding(n, "securityhub.amazonaws.com", "securityhub");
    n.event_id = JStr(f, "Id");
    n.account = JStr(f, "AwsAccountId");
    n.region = JStr(f, "Region");
    n.finding_type = PathStr(f, {"Types"}, tmp);
    element types;
    simdjson::dom::array arr;
    if (JGet(f, "Types", types) && types.get_array().get(arr) == simdjson::SUCCESS) {
        for (auto t : arr) {
            std::string_view sv;
            if (t.get_string().get(sv) == simdjson::SUCCESS) {
                n.finding_type = sv;
                break;
            }
        }
    }
    n.severity = PathStr(f, {"Severity", "Label"}, tmp);
    if (n.severity.empty()) {
        element v;
        if (Path(f, {"Severity", "Original"}, v, tmp) ||
            Path(f, {"Severity", "Normalized"}, v, tmp))
            n.severity = Number(v, s.severity);
    }
    element v;
    if (JGet(f, "UpdatedAt", v) || JGet(f, "CreatedAt", v))
        if (auto t = JTimeMs(v)) n.time = *t;
    n.resource = PathStr(f, {"Resources", "Id"}, tmp);
    if (n.region.empty()) n.region = PathStr(f, {"Resources", "Region"}, tmp);
    element resources;
    if (JGet(f, "Resources", resources) && resources.get_array().get(arr) == simdjson::SUCCESS) {
        for (auto r : arr) {
            std::string_view type = JStr(r, "Type"), id = JStr(r, "Id");
            if (type == "AwsEc2Instance" && n.instance_id.empty()) {
                size_t slash = id.rfind('/');
                n.instance_id = slash == std::string_view::npos ? id : id.substr(slash + 1);
            } else if (type == "AwsIamAccessKey") {
                size_t colon = id.rfind(':');
                std::string_view key = colon == std::string_view::npos ? id : id.substr(colon + 1);
                if (StartsWith(key, "AKIA") || StartsWith(key, "ASIA")) n.access_key = key;
                n.actor_name = PathStr(r, {"Details", "AwsIamAccessKey", "UserName"}, tmp);
                if (n.actor_name.empty())
                    n.actor_name = PathStr(r, {"Details", "AwsIamAccessKey", "PrincipalName"}, tmp);
            }
        }
    }
    n.src_ip = PathStr(f, {"Network", "SourceIpV4"}, tmp);
    if (n.src_ip.empty()) {
        static constexpr std::string_view kActions[] = {"AwsApiCallAction",
                                                        "NetworkConnectionAction"};
        for (auto a : kActions) {
            n.src_ip = PathStr(f, {"Action", a, "RemoteIpDetails", "IpAddressV4"}, tmp);
            if (!n.src_ip.empty()) break;
        }
    }
    n.action = PathStr(f, {"Action", "ActionType"}, tmp);
    std::string_view compliance = PathStr(f, {"Compliance", "Status"}, tmp);
    if (compliance == "PASSED") n.outcome = "success";
    else if (compliance == "FAILED") n.outcome = "failure";
}

namespace {

class FindingsDecoder final : public JsonDocDecoder {
public:
    explicit FindingsDecoder(bool asff) : JsonDocDecoder(asff ? "securityhub" : "guardduty"),
                                          asff_(asff) {}

private:
    void HandleDocument(element root, uint64_t line, RecordFn emit,
                        DecodeReport& report) override {
        if (!Walk(root, line, emit, report, 0))
            report.Bad(line, asff_ ? "securityhub.not_a_finding" : "guardduty.not_a_finding",
                       simdjson::minify(root).substr(0, 120));
    }

    // Finds findings in the accepted containers; returns whether e was a finding or a container
    // (list elements that are neither are reported one by one).
    bool Walk(element e, uint64_t line, RecordFn emit, DecodeReport& report, int depth) {
        if (depth > 3) return false;
        simdjson::dom::array arr;
        if (e.get_array().get(arr) == simdjson::SUCCESS) {
            for (auto child : arr)
                if (!Walk(child, line, emit, report, depth + 1))
                    report.Bad(line, asff_ ? "securityhub.not_a_finding" : "guardduty.not_a_finding",
                               simdjson::minify(child).substr(0, 120));
            return true;
        }
        if (asff_ ? IsAsffFinding(e) : IsGuardDutyFinding(e)) {
            norm_ = Normalized{};
            if (asff_) NormalizeAsff(e, norm_, scratch_);
            else NormalizeGuardDuty(e, norm_, scratch_);
            EmitJson(e, emit, line);
            return true;
        }
        element inner;
        for (std::string_view k : {"Findings", "findings", "Finding", "detail"})
            if (JGet(e, k, inner)) return Walk(inner, line, emit, report, depth + 1);
        return false;
    }

    bool asff_;
    FindingScratch scratch_;
};

int SniffGuardDuty(std::string_view head, const FileInfo& info) {
    std::string_view h = head.substr(0, 4096);
    if (h.find("\"aws.guardduty\"") != std::string_view::npos) return 90;
    bool gd = h.find("arn:aws:guardduty:") != std::string_view::npos ||
              h.find("\"GuardDuty Finding\"") != std::string_view::npos;
    bool shape = h.find("\"schemaVersion\"") != std::string_view::npos ||
                 h.find("\"SchemaVersion\"") != std::string_view::npos;
    bool asff = h.find("\"ProductArn\"") != std::string_view::npos;
    if (gd && shape && !asff) return 90;
    if (IEquals(info.hints.service, "GuardDuty") && !asff) return 60;
    return 0;
}

int SniffSecurityHub(std::string_view head, const FileInfo& info) {
    std::string_view h = head.substr(0, 8192);
    if (h.find("\"aws.securityhub\"") != std::string_view::npos) return 90;
    if (h.find("\"ProductArn\"") != std::string_view::npos &&
        (h.find("\"SchemaVersion\"") != std::string_view::npos ||
         h.find("\"Types\"") != std::string_view::npos))
        return 90;
    return 0;
}

std::unique_ptr<FileDecoder> OpenGuardDuty(const FileInfo&) {
    return std::make_unique<FindingsDecoder>(false);
}
std::unique_ptr<FileDecoder> OpenSecurityHub(const FileInfo&) {
    return std::make_unique<FindingsDecoder>(true);
}

} // namespace
} // namespace formats

const Format& GuardDutyFormat() {
    static const formats::SpecFormat format(
        {"guardduty", "GuardDuty findings (single, {\"Findings\":[…]}, S3 export JSONL, EventBridge)",
         R"({"schemaVersion":"2.0","accountId":"111122223333","region":"us-east-1",)"
         R"("id":"a1b2c3","type":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",)"
         R"("severity":8,"updatedAt":"2024-03-01T12:00:00.000Z","resource":{"resourceType":"AccessKey",)"
         R"("accessKeyDetails":{"accessKeyId":"ASIAEXAMPLE","userName":"app-role"}},)"
         R"("service":{"action":{"actionType":"AWS_API_CALL","awsApiCallAction":{"api":"ListBuckets",)"
         R"("remoteIpDetails":{"ipAddressV4":"198.51.100.23"}}}}})",
         false, formats::SniffGuardDuty, formats::OpenGuardDuty});
    return format;
}

const Format& SecurityHubFormat() {
    static const formats::SpecFormat format(
        {"securityhub", "Security Hub findings in ASFF (single, list, {\"Findings\":[…]}, EventBridge)",
         R"({"SchemaVersion":"2018-10-08","Id":"arn:aws:securityhub:us-east-1:111122223333:finding/1",)"
         R"("ProductArn":"arn:aws:securityhub:us-east-1::product/aws/guardduty","AwsAccountId":"111122223333",)"
         R"("Types":["TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce"],)"
         R"("UpdatedAt":"2024-03-01T12:00:00Z","Severity":{"Label":"HIGH","Original":"8"},)"
         R"("Title":"SSH brute force","Resources":[{"Type":"AwsEc2Instance",)"
         R"("Id":"arn:aws:ec2:us-east-1:111122223333:instance/i-0badc0ffee1234567"}]})",
         false, formats::SniffSecurityHub, formats::OpenSecurityHub});
    return format;
}

} // namespace cloudsift
