// Helpers for the case store tests: temporary case directories and hand-built CloudTrail records
// (JsonEvent + a Normalized filled from the JSON), so the store is testable without the decoders.
#pragma once
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "event/json_event.h"
#include "event/normalized.h"
#include "formats/format.h"
#include "common/strings.h"
#include "store/writer.h"
#include "test_support.h"

namespace cloudsift::store::test {

//! A fresh temporary directory removed at destruction.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char tmpl[] = "/tmp/cloudsift_store_XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        // Evidence is read-only: restore write permission before removing.
        for (auto& e : std::filesystem::recursive_directory_iterator(path, ec))
            std::filesystem::permissions(e.path(), std::filesystem::perms::owner_all,
                                         std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(path, ec);
    }
    std::string str() const { return path.string(); }
};

//! Fills a Normalized from a CloudTrail event (the subset the store relies on).
inline Normalized NormalizeCloudTrail(simdjson::dom::element e) {
    Normalized n;
    n.cls = EventClass::ApiActivity;
    n.logsource = {"aws", "cloudtrail", {}};
    n.source_type = "cloudtrail";
    auto t = ParseIsoTime(JsonString(e, {"eventTime"}));
    n.time = t ? *t : 0;
    n.event_id = JsonString(e, {"eventID"});
    n.action = JsonString(e, {"eventName"});
    n.service = JsonString(e, {"eventSource"});
    n.actor_arn = JsonString(e, {"userIdentity", "arn"});
    n.actor_type = JsonString(e, {"userIdentity", "type"});
    n.actor_name = JsonString(e, {"userIdentity", "userName"});
    n.access_key = JsonString(e, {"userIdentity", "accessKeyId"});
    n.session_issuer = JsonString(e, {"userIdentity", "sessionContext", "sessionIssuer", "arn"});
    n.src_ip = JsonString(e, {"sourceIPAddress"});
    n.error_code = JsonString(e, {"errorCode"});
    n.error_message = JsonString(e, {"errorMessage"});
    n.outcome = n.error_code.empty() ? "success" : "failure";
    n.region = JsonString(e, {"awsRegion"});
    n.account = JsonString(e, {"recipientAccountId"});
    n.user_agent = JsonString(e, {"userAgent"});
    return n;
}

//! Builds a batch from a CloudTrail document ({"Records":[...]}) or JSON lines.
inline EventBatch BatchFromCloudTrail(const std::string& text) {
    EventBatch batch;
    simdjson::dom::parser parser;
    auto add = [&](simdjson::dom::element e, uint64_t idx) {
        JsonEvent ev(e);
        Normalized n = NormalizeCloudTrail(e);
        Record rec{ev, n, 0, idx};
        batch.Add(rec);
    };
    simdjson::dom::element doc;
    if (!parser.parse(text).get(doc)) {
        simdjson::dom::array recs;
        if (!doc["Records"].get_array().get(recs)) {
            uint64_t i = 0;
            for (auto e : recs) add(e, i++);
        } else {
            add(doc, 0);
        }
        return batch;
    }
    uint64_t i = 0;
    for (auto line : Split(text, '\n')) {
        if (Trim(line).empty()) continue;
        simdjson::dom::parser p;
        simdjson::dom::element e;
        if (!p.parse(std::string(line)).get(e)) add(e, i++);
    }
    return batch;
}

} // namespace cloudsift::store::test

namespace cloudsift::store::test {
//! Whole file as a string.
inline std::string ReadFileForTest(const std::string& p) { return cloudsift::test::ReadFile(p); }
} // namespace cloudsift::store::test
