// Imported security findings: GuardDuty findings (format "guardduty") and Security Hub ASFF
// findings (format "securityhub"). Whole-document decoders; each finding is one record.
//
// GuardDuty containers accepted:
//   finding                       {"schemaVersion","id","type","severity","resource",…}
//   API output                    {"Findings":[finding…]}  (keys camelCase or PascalCase)
//   S3 export / JSON lines        finding per line (or concatenated)
//   JSON array                    [finding…]
//   EventBridge event             {"detail-type":"GuardDuty Finding","detail":finding}
// Security Hub containers accepted:
//   finding (ASFF)                {"SchemaVersion","Id","ProductArn","Types",…}
//   list                          [finding…] | {"Findings":[…]} | {"Finding":finding}
//   EventBridge event             {"detail-type":"Security Hub Findings - …",
//                                  "detail":{"findings":[…]}}
// Normalized: cls DetectionFinding, finding_type (GuardDuty type / ASFF Types[0]), severity
// (GuardDuty's number / ASFF Severity.Label), resource, actor (access key and user of the
// finding), src_ip (remote IP), region, account, time (updatedAt).
#pragma once
#include <simdjson.h>

#include <string>

#include "event/normalized.h"
#include "formats/format.h"

namespace cloudsift {

//! The "guardduty" format.
const Format& GuardDutyFormat();
//! The "securityhub" format (ASFF).
const Format& SecurityHubFormat();

namespace formats {

//! Storage a finding normalizer may write numbers into (outlives the record callback).
struct FindingScratch {
    std::string severity, key;
};

//! Fills n from a GuardDuty finding object (camelCase or PascalCase keys).
void NormalizeGuardDuty(simdjson::dom::element finding, Normalized& n, FindingScratch& scratch);

//! Fills n from an ASFF finding object.
void NormalizeAsff(simdjson::dom::element finding, Normalized& n, FindingScratch& scratch);

//! Whether e looks like a GuardDuty finding / an ASFF finding.
bool IsGuardDutyFinding(simdjson::dom::element e);
bool IsAsffFinding(simdjson::dom::element e);

//! cloudsift level of an imported finding's original severity: an ASFF label (INFORMATIONAL …
//! CRITICAL), GuardDuty's number (< 4 low, < 7 medium, < 9 high, else critical) or an ASFF
//! normalized score above 10 (0 informational, < 40 low, < 70 medium, < 90 high, else
//! critical). "medium" when the severity is missing or unreadable.
std::string_view FindingLevel(std::string_view severity);

} // namespace formats
} // namespace cloudsift
