// A RecordConsumer for tests: keeps every record's JSON and key normalized fields.
#pragma once
#include <string>
#include <vector>

#include "io/scan.h"

namespace cloudsift::test {

//! One record seen by the collector.
struct Seen {
    std::string json, event_name, event_id, actor, access_key, src_ip, region, account, outcome,
        source_type, instance_id, mfa;
    TimeMs time = 0;
    uint64_t line = 0, index = 0;
};

//! Collects records (single-threaded use).
class RecordCollector : public RecordConsumer {
public:
    void OnRecord(const Record& rec) override {
        Seen s;
        rec.event.AppendJson(s.json);
        s.event_name = rec.norm.action;
        s.event_id = rec.norm.event_id;
        s.actor = rec.norm.actor_arn;
        s.access_key = rec.norm.access_key;
        s.src_ip = rec.norm.src_ip;
        s.region = rec.norm.region;
        s.account = rec.norm.account;
        s.outcome = rec.norm.outcome;
        s.source_type = rec.norm.source_type;
        s.instance_id = rec.norm.instance_id;
        s.mfa = rec.norm.mfa;
        s.time = rec.norm.time;
        s.line = rec.line;
        s.index = rec.index;
        seen.push_back(std::move(s));
    }
    std::vector<Seen> seen;
};

} // namespace cloudsift::test
