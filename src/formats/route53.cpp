#include "formats/route53.h"

#include "common/strings.h"
#include "formats/format_base.h"
#include "formats/text_util.h"

namespace cloudsift {
namespace {

using namespace formats;

class Route53Decoder final : public JsonLineDecoder {
public:
    Route53Decoder() : JsonLineDecoder("route53") {}

private:
    void DecodeObject(simdjson::dom::element obj, uint64_t line_no, RecordFn emit,
                      DecodeReport& report) override {
        std::string_view query = JStr(obj, "query_name");
        if (query.empty()) {
            report.Bad(line_no, "route53.no_query_name", simdjson::minify(obj).substr(0, 120));
            return;
        }
        norm_.cls = EventClass::DnsActivity;
        norm_.logsource = {"aws", "route53", {"dns", ""}};
        norm_.source_type = "route53";
        norm_.service = "route53resolver.amazonaws.com";
        simdjson::dom::element ts;
        if (JGet(obj, "query_timestamp", ts))
            if (auto t = JTimeMs(ts)) norm_.time = *t;
        norm_.resource = query;
        norm_.action = JStr(obj, "query_type");
        norm_.account = JStr(obj, "account_id");
        norm_.region = JStr(obj, "region");
        norm_.vpc_id = JStr(obj, "vpc_id");
        norm_.src_ip = JStr(obj, "srcaddr");
        norm_.src_port = JText(obj, "srcport", port_buf_);
        norm_.protocol = JStr(obj, "transport");
        simdjson::dom::element srcids;
        if (JGet(obj, "srcids", srcids)) norm_.instance_id = JStr(srcids, "instance");
        std::string_view rcode = JStr(obj, "rcode");
        std::string_view fw = JStr(obj, "firewall_rule_action");
        if (!rcode.empty()) {
            norm_.outcome = rcode == "NOERROR" ? "success" : "failure";
            if (rcode != "NOERROR") norm_.error_code = rcode;
        }
        if (fw == "BLOCK") norm_.outcome = "failure";
        ev_.AddString("query", query);
        if (!norm_.action.empty()) ev_.AddString("record_type", norm_.action);
        if (!norm_.src_ip.empty()) ev_.AddString("src_ip", norm_.src_ip);
        if (!fw.empty()) ev_.AddString("action", fw);
        simdjson::dom::array answers;
        simdjson::dom::element a;
        if (JGet(obj, "answers", a) && a.get_array().get(answers) == simdjson::SUCCESS) {
            for (auto ans : answers) {
                std::string_view rdata = JStr(ans, "Rdata");
                if (!rdata.empty()) ev_.AddString("answer", rdata);
            }
        }
        EmitJson(obj, emit, line_no);
    }

    std::string port_buf_;
};

// Most of the first five lines are resolver records (a truncated or foreign first line does not
// hide the file).
int SniffRoute53(std::string_view head, const FileInfo& info) {
    int lines = 0, good = 0;
    ForEachLine(head, 1, [&](std::string_view line, uint64_t) {
        if (lines >= 5 || Trim(line).empty()) return;
        ++lines;
        if (!StartsWith(Trim(line), "{")) return;
        bool q = line.find("\"query_name\"") != std::string_view::npos;
        bool t = line.find("\"query_type\"") != std::string_view::npos ||
                 line.find("\"query_timestamp\"") != std::string_view::npos;
        if (q && t) ++good;
    });
    return good > 0 && good * 2 > lines ? 90 : 0;
}

std::unique_ptr<FileDecoder> OpenRoute53(const FileInfo&) {
    return std::make_unique<Route53Decoder>();
}

} // namespace

const Format& Route53Format() {
    static const SpecFormat format(
        {"route53", "Route 53 Resolver query logs (JSON lines, incl. DNS Firewall fields)",
         R"({"version":"1.100000","account_id":"111122223333","region":"us-east-1",)"
         R"("vpc_id":"vpc-0aa11bb2","query_timestamp":"2024-03-01T12:00:00Z",)"
         R"("query_name":"c2.example.net.","query_type":"A","query_class":"IN",)"
         R"("rcode":"NOERROR","answers":[{"Rdata":"203.0.113.66","Type":"A","Class":"IN"}],)"
         R"("srcaddr":"10.0.1.15","srcport":"53124","transport":"UDP",)"
         R"("srcids":{"instance":"i-0badc0ffee1234567"}})",
         true, SniffRoute53, OpenRoute53});
    return format;
}

} // namespace cloudsift
