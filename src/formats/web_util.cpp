#include "formats/web_util.h"

namespace cloudsift::formats {

bool ParseHttpRequest(std::string_view line, HttpRequest& out) {
    out = HttpRequest{};
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0) return false;
    out.method = line.substr(0, sp);
    if (out.method == "-") return false;
    std::string_view rest = line.substr(sp + 1);
    size_t last = rest.rfind(' ');
    if (last != std::string_view::npos && rest.substr(last + 1).substr(0, 5) == "HTTP/") {
        out.protocol = rest.substr(last + 1);
        rest = rest.substr(0, last);
    }
    if (rest.empty()) return false;
    out.target = rest;
    SplitUrl(rest, out.host, out.stem, out.query);
    return true;
}

void SplitUrl(std::string_view url, std::string_view& host, std::string_view& stem,
              std::string_view& query) {
    host = {};
    size_t scheme = url.find("://");
    size_t q = url.find('?');
    if (scheme != std::string_view::npos && (q == std::string_view::npos || scheme < q)) {
        size_t start = scheme + 3;
        size_t slash = url.find_first_of("/?", start);
        if (slash == std::string_view::npos) slash = url.size();
        host = url.substr(start, slash - start);
        url = url.substr(slash);
        q = url.find('?');
    }
    if (q == std::string_view::npos) {
        stem = url;
        query = {};
    } else {
        stem = url.substr(0, q);
        query = url.substr(q + 1);
    }
}

void AddWebAliases(FlatEvent& ev, const WebAliases& a) {
    auto add = [&](std::string_view name, std::string_view v) {
        if (!v.empty() && v != "-") ev.AddString(name, v);
    };
    add("c-ip", a.client_ip);
    add("cs-method", a.method);
    add("cs-uri-stem", a.stem);
    add("cs-uri-query", a.query);
    add("sc-status", a.status);
    add("cs-user-agent", a.user_agent);
    add("cs-referer", a.referer);
    add("cs-host", a.host);
    add("c-uri", a.uri);
    add("c-useragent", a.user_agent);
}

std::string_view HttpOutcome(std::string_view status) {
    if (status.size() != 3 || status[0] < '1' || status[0] > '5') return {};
    return status[0] >= '4' ? "failure" : "success";
}

} // namespace cloudsift::formats
