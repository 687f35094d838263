// CloudTrail decoders. Accepted shapes (sniffed from content, not from names):
//   document  := '{' "Records" ':' '[' event* ']' … '}'        S3 delivery file (also Insights)
//              | '[' (event | envelope | lookup)* ']'           JSON array export
//              | '{' "Events" ':' '[' lookup* ']' … '}'         aws cloudtrail lookup-events output
//              | envelope | event                               a single event (pretty-printed)
//   jsonl     := ((event | envelope | lookup) '\n')*            Lake / Athena / SIEM exports
//   lookup    := '{' … "CloudTrailEvent" ':' <string holding an event as JSON> … '}'
//   envelope  := '{' "detail-type" … "detail" ':' event … '}'  EventBridge CloudTrail API call
//   digest    := '{' "digestStartTime" … "logFiles" … '}'      digest files: reported only
#pragma once
#include <simdjson.h>

#include <string>

#include "event/json_event.h"
#include "event/normalized.h"
#include "formats/format.h"

namespace cloudsift {

//! Owned strings a CloudTrail normalization may need beyond views into the DOM.
struct CloudTrailScratch {
    std::string actor_name;
    std::string resource;
};

//! Fills norm from one CloudTrail event object (views into the DOM and scratch).
void NormalizeCloudTrail(simdjson::dom::element event, Normalized& norm,
                         CloudTrailScratch& scratch);

//! The same from the event's JsonEvent, whose top-level key index the lookups build and share
//! with the rules that read the event next.
void NormalizeCloudTrail(const JsonEvent& event, Normalized& norm, CloudTrailScratch& scratch);

//! Whether a JSON object looks like a CloudTrail event (has eventName/eventSource/eventVersion).
bool LooksLikeCloudTrailEvent(simdjson::dom::element e);

} // namespace cloudsift
