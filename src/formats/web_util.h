// HTTP helpers shared by the access-log decoders (ALB, classic ELB, CloudFront, S3, webserver):
// request-line and URL splitting, and the Sigma webserver/proxy field aliases.
//
// Request line grammar: method ' ' target [' ' protocol]; a target is an absolute URL
// (scheme "://" host [":" port] path ["?" query]) or an origin-form path ["?" query].
#pragma once
#include <string_view>

#include "event/flat_event.h"

namespace cloudsift::formats {

//! Parts of an HTTP request line ("GET http://h:80/p?q HTTP/1.1"); views into the line.
struct HttpRequest {
    std::string_view method, target, protocol; //!< target is the URL as written
    std::string_view host;                     //!< from an absolute URL ("" for origin form)
    std::string_view stem;                     //!< path without the query
    std::string_view query;                    //!< after '?', without it
};

//! Splits a request line; false when it has no method and target ("-" requests, garbage).
bool ParseHttpRequest(std::string_view line, HttpRequest& out);

//! Splits a URL or path into host (absolute form only), stem and query.
void SplitUrl(std::string_view url, std::string_view& host, std::string_view& stem,
              std::string_view& query);

//! Values of the Sigma webserver/proxy field aliases; empty or "-" values are not added.
struct WebAliases {
    std::string_view client_ip, method, uri, stem, query, status, user_agent, referer, host;
};

//! Adds c-ip, cs-method, cs-uri-stem, cs-uri-query, sc-status, cs-user-agent, cs-referer,
//! cs-host (webserver) and c-uri, c-useragent (proxy) to ev.
void AddWebAliases(FlatEvent& ev, const WebAliases& a);

//! "success" for HTTP status < 400, "failure" for ≥ 400, "" when not a status.
std::string_view HttpOutcome(std::string_view status);

} // namespace cloudsift::formats
