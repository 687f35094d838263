// Route 53 Resolver query logs (format "route53"): one JSON object per line, as delivered to S3,
// CloudWatch Logs or Firehose.
//
// Record (AWS field names, all optional except query_name):
//   {"version","account_id","region","vpc_id","query_timestamp","query_name","query_type",
//    "query_class","rcode","answers":[{"Rdata","Type","Class"}],"srcaddr","srcport",
//    "transport","srcids":{"instance","resolver_endpoint"},
//    "firewall_rule_action","firewall_rule_group_id","firewall_domain_list_id"}
// Sigma dns aliases are added: query, record_type, answer (one per answer), src_ip, and
// firewall aliases action (DNS Firewall action) when present.
#pragma once
#include "formats/format.h"

namespace cloudsift {

//! The "route53" format.
const Format& Route53Format();

} // namespace cloudsift
