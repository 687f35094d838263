// Generic EventBridge events (format "eventbridge") and any other JSON: whole-document decoder.
//
// Accepted: one event, JSON lines, a JSON array of events, or events written back to back.
//   event := {"version","id","detail-type","source","account","time","region","resources",
//             "detail"}
// Routing by event:
//   source "aws.guardduty"                      → GuardDuty finding in detail (as "guardduty")
//   source "aws.securityhub"                    → each ASFF finding in detail.findings
//   detail-type "AWS API Call via CloudTrail"   → detail is the CloudTrail event itself
//                                                  (logsource aws/cloudtrail)
//   other envelopes                             → the envelope; time/id/account/region/
//                                                  detail-type normalized
//   other JSON objects                          → a plain JSON event, nothing normalized
#pragma once
#include "formats/format.h"

namespace cloudsift {

//! The "eventbridge" format.
const Format& EventBridgeFormat();

} // namespace cloudsift
