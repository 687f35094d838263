// AWS WAF web ACL logs (format "waf"): one JSON object per line.
//
// Record (AWS field names): {"timestamp" (epoch ms),"formatVersion","webaclId",
//   "terminatingRuleId","terminatingRuleType","action","httpSourceName","httpSourceId",
//   "ruleGroupList","rateBasedRuleList","nonTerminatingMatchingRules",
//   "httpRequest":{"clientIp","country","headers":[{"name","value"}],"uri","args",
//   "httpVersion","httpMethod","requestId"}, "labels", …}
// Sigma firewall aliases are added: src_ip (clientIp) and, beside the native action,
// cs-method / cs-uri-stem / cs-uri-query / cs-user-agent / cs-host from the request.
#pragma once
#include "formats/format.h"

namespace cloudsift {

//! The "waf" format.
const Format& WafFormat();

} // namespace cloudsift
