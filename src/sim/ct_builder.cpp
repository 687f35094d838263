#include "sim/ct_builder.h"

#include <array>

namespace cloudsift::sim {
namespace {

std::string_view Service(const Api& api) {
    std::string_view s = api.source;
    return s.substr(0, s.find('.'));
}

class Vars {
public:
    Vars(Rng& rng, const World& w, const Account& a, const CallSpec& spec)
        : rng_(rng), w_(w), a_(a), spec_(spec) {}

    std::string_view Get(std::string_view name) {
        for (auto& [k, v] : spec_.vars)
            if (k == name) return v;
        for (auto& [k, v] : cache_)
            if (k == name) return v;
        cache_.emplace_back(std::string(name), Draw(name));
        return cache_.back().second;
    }

private:
    std::string Draw(std::string_view n) {
        const Host& host = a_.hosts[rng_.Below(a_.hosts.size())];
        if (n == "b") return rng_.PickOf(a_.buckets);
        if (n == "k") return ObjectKey();
        if (n == "r") return spec_.region;
        if (n == "a") return a_.id;
        if (n == "acctname") return a_.name;
        if (n == "i") return host.instance_id;
        if (n == "ip") return host.private_ip;
        if (n == "ipdash") {
            std::string s(Get("ip"));
            for (char& c : s)
                if (c == '.') c = '-';
            return s;
        }
        if (n == "role") {
            const Principal& p = a_.principals[rng_.Below(a_.principals.size() - 1)];
            return p.name.empty() ? "web-role" : p.name;
        }
        if (n == "u" || n == "xid") return rng_.Uuid();
        if (n == "sg") return a_.security_group;
        if (n == "sec") return rng_.PickOf(a_.secrets);
        if (n == "p") return rng_.PickOf(a_.parameters);
        if (n == "fn") return rng_.PickOf(a_.functions);
        if (n == "kms") return a_.kms_key;
        if (n == "kmsarn")
            return "arn:aws:kms:" + spec_.region + ":" + a_.id + ":key/" + std::string(Get("kms"));
        if (n == "vpc") return a_.vpc_id;
        if (n == "fl") return a_.flow_log_id;
        if (n == "img") return "ami-0" + rng_.Chars(16, kHexLower);
        if (n == "newi") return "i-0" + rng_.Chars(16, kHexLower);
        if (n == "snap") return "snap-0" + rng_.Chars(16, kHexLower);
        if (n == "itype") return "t3.small";
        if (n == "count") return "1";
        if (n == "h16") return rng_.Chars(16, kHexLower);
        if (n == "h17") return rng_.Chars(16, kHexLower);
        if (n == "h32") return rng_.Chars(32, kHexLower);
        if (n == "port") return "443";
        if (n == "cidr") return "10.0.0.0/16";
        if (n == "user") return rng_.PickOf(a_.users);
        if (n == "aida") return AwsId(rng_, "AIDA", 21);
        if (n == "aroa") return AwsId(rng_, "AROA", 21);
        if (n == "akia") return AwsId(rng_, "AKIA", 20);
        if (n == "asia") return AwsId(rng_, "ASIA", 20);
        if (n == "token") return "IQoJb3JpZ2luX2VjE" + rng_.Chars(40, kAlnum);
        if (n == "exp") return FormatIsoTime(spec_.time + 3600000);
        if (n == "sess") return "session-" + rng_.Chars(8, kHexLower);
        if (n == "date") return FormatIsoTime(spec_.time);
        if (n == "day") return FormatIsoTime(spec_.time).substr(0, 10).replace(4, 1, "/").replace(
                                   7, 1, "/");
        if (n == "day2") return FormatIsoTime(spec_.time).substr(0, 10);
        if (n == "month") return FormatIsoTime(spec_.time).substr(0, 7);
        if (n == "sse") return "AES256";
        if (n == "ver") return rng_.Chars(32, kAlnum);
        if (n == "bytes") return std::to_string(rng_.Range(1024, 4 << 20));
        if (n == "in") return std::to_string(rng_.Below(4) == 0 ? rng_.Range(100, 900000) : 0);
        if (n == "out") return std::to_string(rng_.Range(0, 2 << 20));
        if (n == "dbsnap") return a_.name + "-db-snapshot-" + std::to_string(rng_.Range(1, 30));
        if (n == "foreign") return "4" + rng_.Chars(11, "0123456789");
        if (n == "model") return "anthropic.claude-3-sonnet-20240229-v1:0";
        if (n == "outcome") return "Success";
        if (n == "mfa") return "Yes";
        if (n == "trail") return a_.name + "-audit-trail";
        return {};
    }

    std::string ObjectKey() {
        static const char* kPrefixes[] = {"uploads/", "static/js/", "reports/daily/", "exports/",
                                          "images/thumbs/", "builds/"};
        static const char* kExt[] = {".json", ".csv.gz", ".png", ".jpg", ".zip", ".parquet"};
        return std::string(rng_.Pick(kPrefixes)) + rng_.Chars(12, kHexLower) + rng_.Pick(kExt);
    }

    Rng& rng_;
    const World& w_;
    const Account& a_;
    const CallSpec& spec_;
    std::vector<std::pair<std::string, std::string>> cache_;
};

} // namespace

std::pair<std::string, std::string> AccessDeniedError(const Api& api, std::string_view arn) {
    std::string_view svc = Service(api);
    std::string action = api.action;
    std::string because = " because no identity-based policy allows the " + action + " action";
    if (svc == "ec2")
        return {"Client.UnauthorizedOperation",
                "You are not authorized to perform this operation. User: " + std::string(arn) +
                    " is not authorized to perform: " + action + because};
    if (svc == "s3") return {"AccessDenied", "Access Denied"};
    std::string msg = "User: " + std::string(arn) + " is not authorized to perform: " + action +
                      because;
    if (svc == "iam" || svc == "sts" || svc == "cloudtrail" || svc == "cloudformation" ||
        svc == "monitoring" || svc == "elasticloadbalancing" || svc == "rds")
        return {"AccessDenied", msg};
    return {"AccessDeniedException", msg};
}

void BuildCall(Rng& rng, const World& w, const Account& acct, const CallSpec& spec, CtEvent& ev) {
    const Api& api = *spec.api;
    Vars vars(rng, w, acct, spec);
    auto lookup = [&](std::string_view n) { return vars.Get(n); };
    ev.time = spec.time;
    ev.identity = spec.identity;
    ev.event_source = api.source;
    ev.event_name = api.name;
    ev.region = spec.region;
    ev.source_ip = spec.source_ip;
    ev.user_agent = spec.user_agent;
    ev.request.clear();
    ExpandTemplate(ev.request, api.request, lookup);
    ev.response.clear();
    ev.additional.clear();
    ev.resources.clear();
    ev.error_code.clear();
    ev.error_message.clear();
    ExpandTemplate(ev.additional, api.additional, lookup);
    ExpandTemplate(ev.resources, api.resources, lookup);
    if (spec.outcome == CallOutcome::AccessDenied) {
        auto [code, msg] = AccessDeniedError(api, spec.identity->arn);
        ev.error_code = std::move(code);
        ev.error_message = std::move(msg);
        ev.response = "null";
    } else if (spec.outcome == CallOutcome::Error) {
        ev.error_code = spec.error_code;
        ev.error_message = spec.error_message;
        if (std::string_view(api.name) == "ConsoleLogin")
            ExpandTemplate(ev.response, api.response, lookup);
        else
            ev.response = "null";
    } else {
        ExpandTemplate(ev.response, api.response, lookup);
    }
    bool signin = Service(api) == "signin";
    ev.event_type = signin ? "AwsConsoleSignIn" : "AwsApiCall";
    ev.read_only = api.read_only;
    ev.management = !api.data;
    ev.recipient_account = acct.id;
    ev.console_session = spec.console && !signin;
    ev.tls_host.clear();
    if (spec.tls && !signin) {
        std::string_view bucket;
        if (Service(api) == "s3" && std::string_view(api.name) != "ListBuckets")
            bucket = vars.Get("b");
        ev.tls_host = ApiHost(api, spec.region, bucket);
    }
    ev.request_id = signin ? std::string() : RequestId(rng, Service(api) == "s3");
    ev.event_id = rng.Uuid();
}

} // namespace cloudsift::sim
