// Test helper: drives a Format's decoder directly (no scan pipeline) and keeps owned copies of
// every record's native JSON and normalized fields.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "formats/format.h"
#include "formats/text_util.h"
#include "test_support.h"

namespace cloudsift::test {

//! An owned copy of one decoded record.
struct DecodedRecord {
    std::string json;                         //!< native event as JSON
    std::map<std::string, std::string> norm;  //!< non-empty normalized fields by name
    TimeMs time = 0;
    EventClass cls = EventClass::Unknown;
    uint64_t line = 0;
    //! A normalized field ("" when empty).
    std::string N(const std::string& name) const {
        auto it = norm.find(name);
        return it == norm.end() ? "" : it->second;
    }
    //! Whether the native JSON contains the text "name":"value".
    bool Has(const std::string& name, const std::string& value) const {
        return json.find("\"" + name + "\":\"" + value + "\"") != std::string::npos;
    }
};

//! Everything one file decoded to.
struct Decoded {
    std::vector<DecodedRecord> records;
    DecodeReport report;
};

inline std::map<std::string, std::string> NormMap(const Normalized& n) {
    std::map<std::string, std::string> m;
    auto put = [&](const char* k, std::string_view v) {
        if (!v.empty()) m[k] = std::string(v);
    };
    put("product", n.logsource.product);
    put("logsource_service", n.logsource.service);
    put("category", n.logsource.categories[0]);
    put("category2", n.logsource.categories[1]);
    put("source_type", n.source_type);
    put("event_id", n.event_id);
    put("action", n.action);
    put("service", n.service);
    put("actor_arn", n.actor_arn);
    put("actor_type", n.actor_type);
    put("actor_name", n.actor_name);
    put("access_key", n.access_key);
    put("session_issuer", n.session_issuer);
    put("mfa", n.mfa);
    put("src_ip", n.src_ip);
    put("src_port", n.src_port);
    put("dst_ip", n.dst_ip);
    put("dst_port", n.dst_port);
    put("protocol", n.protocol);
    put("instance_id", n.instance_id);
    put("vpc_id", n.vpc_id);
    put("interface_id", n.interface_id);
    put("resource", n.resource);
    put("outcome", n.outcome);
    put("error_code", n.error_code);
    put("error_message", n.error_message);
    put("region", n.region);
    put("account", n.account);
    put("user_agent", n.user_agent);
    put("finding_type", n.finding_type);
    put("severity", n.severity);
    return m;
}

//! Decodes data with format as the pipeline would: line formats get runs of at most
//! lines_per_run whole lines, document formats the whole buffer.
inline Decoded DecodeWith(const Format& format, std::string_view data, FileInfo info = {},
                          size_t lines_per_run = 3) {
    Decoded out;
    auto dec = format.Open(info);
    auto emit = [&](const Record& r) {
        DecodedRecord d;
        r.event.AppendJson(d.json);
        d.norm = NormMap(r.norm);
        d.time = r.norm.time;
        d.cls = r.norm.cls;
        d.line = r.line;
        out.records.push_back(std::move(d));
    };
    if (!format.LineOriented()) {
        dec->Feed(data, 1, emit, out.report);
    } else {
        size_t pos = 0;
        uint64_t line = 1;
        while (pos < data.size()) {
            size_t end = pos;
            size_t count = 0;
            while (end < data.size() && count < lines_per_run) {
                size_t nl = data.find('\n', end);
                end = nl == std::string_view::npos ? data.size() : nl + 1;
                ++count;
            }
            dec->Feed(data.substr(pos, end - pos), line, emit, out.report);
            line += count;
            pos = end;
        }
    }
    dec->Finish(emit, out.report);
    return out;
}

//! Text of the report's reasons ("reason=count; …") for failure messages.
inline std::string Reasons(const DecodeReport& r) {
    std::string s;
    for (const auto& [k, v] : r.reasons()) s += k + "=" + std::to_string(v) + "; ";
    for (const auto& sample : r.samples())
        s += "[line " + std::to_string(sample.position) + ": " + sample.excerpt + "] ";
    return s;
}

//! Reads a fixture under tests/fixtures/formats.
inline std::string Fixture(const std::string& name) {
    return ReadFile(TestDir() / "fixtures" / "formats" / name);
}

} // namespace cloudsift::test
