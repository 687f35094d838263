#include "formats/waf.h"

#include "common/strings.h"
#include "formats/format_base.h"
#include "formats/text_util.h"
#include "formats/web_util.h"

namespace cloudsift {
namespace {

using namespace formats;

class WafDecoder final : public JsonLineDecoder {
public:
    WafDecoder() : JsonLineDecoder("waf") {}

private:
    void DecodeObject(simdjson::dom::element obj, uint64_t line_no, RecordFn emit,
                      DecodeReport& report) override {
        simdjson::dom::element req;
        if (!JGet(obj, "httpRequest", req) || req.type() != simdjson::dom::element_type::OBJECT) {
            report.Bad(line_no, "waf.no_http_request", simdjson::minify(obj).substr(0, 120));
            return;
        }
        norm_.cls = EventClass::HttpActivity;
        norm_.logsource = {"aws", "waf", {"firewall", ""}};
        norm_.source_type = "waf";
        norm_.service = "waf.amazonaws.com";
        simdjson::dom::element ts;
        if (JGet(obj, "timestamp", ts))
            if (auto t = JTimeMs(ts)) norm_.time = *t;
        std::string_view action = JStr(obj, "action");
        norm_.action = action;
        norm_.outcome = action == "BLOCK" ? "failure" : action == "ALLOW" ? "success" : "";
        std::string_view acl = JStr(obj, "webaclId");
        ArnRegionAccount(acl, norm_.region, norm_.account);
        norm_.src_ip = JStr(req, "clientIp");
        norm_.event_id = JStr(req, "requestId");
        std::string_view uri = JStr(req, "uri"), args = JStr(req, "args");
        std::string_view method = JStr(req, "httpMethod");
        norm_.resource = uri;
        std::string_view host;
        simdjson::dom::element headers;
        simdjson::dom::array arr;
        if (JGet(req, "headers", headers) && headers.get_array().get(arr) == simdjson::SUCCESS) {
            for (auto h : arr) {
                std::string_view name = JStr(h, "name");
                if (IEquals(name, "user-agent")) norm_.user_agent = JStr(h, "value");
                else if (IEquals(name, "host")) host = JStr(h, "value");
            }
        }
        if (!norm_.src_ip.empty()) ev_.AddString("src_ip", norm_.src_ip);
        AddWebAliases(ev_, {norm_.src_ip, method, {}, uri, args, {}, norm_.user_agent, {}, host});
        EmitJson(obj, emit, line_no);
    }
};

int SniffWaf(std::string_view head, const FileInfo& info) {
    std::string_view first = head.substr(0, head.find('\n'));
    if (!StartsWith(Trim(first), "{")) return 0;
    bool acl = first.find("\"webaclId\"") != std::string_view::npos;
    bool req = first.find("\"httpRequest\"") != std::string_view::npos;
    return acl && req ? 90 : 0;
}

std::unique_ptr<FileDecoder> OpenWaf(const FileInfo&) { return std::make_unique<WafDecoder>(); }

} // namespace

const Format& WafFormat() {
    static const SpecFormat format(
        {"waf", "AWS WAF web ACL logs (JSON lines)",
         R"({"timestamp":1709294400000,"formatVersion":1,"webaclId":"arn:aws:wafv2:us-east-1:)"
         R"(111122223333:regional/webacl/web/f96fe2f4","terminatingRuleId":"SQLi",)"
         R"("terminatingRuleType":"MANAGED_RULE_GROUP","action":"BLOCK","httpSourceName":"ALB",)"
         R"("httpRequest":{"clientIp":"198.51.100.23","country":"NL","headers":[{"name":"Host",)"
         R"("value":"shop.example.com"},{"name":"User-Agent","value":"sqlmap/1.7"}],)"
         R"("uri":"/search","args":"q=1%27%20OR%201=1","httpVersion":"HTTP/1.1",)"
         R"("httpMethod":"GET","requestId":"1-65e1c3a0-aaaaaaaaaaaaaaaaaaaaaaaa"}})",
         true, SniffWaf, OpenWaf});
    return format;
}

} // namespace cloudsift
