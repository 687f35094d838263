// Elastic Load Balancing access logs: Application (ALB, also ALB connection logs), Network (NLB
// TLS listener logs) and Classic (ELB). The three formats share one line decoder that recognizes
// each line's shape, so a file mixing them decodes fully; they differ in name and sniffing.
//
// Grammar (space-separated tokens, "quoted" tokens may hold spaces):
//   alb   := type time elb client:port target:port request_processing_time
//            target_processing_time response_processing_time elb_status_code
//            target_status_code received_bytes sent_bytes "request" "user_agent" ssl_cipher
//            ssl_protocol [target_group_arn "trace_id" "domain_name" "chosen_cert_arn"
//            matched_rule_priority request_creation_time "actions_executed" "redirect_url"
//            "error_reason" "target:port_list" "target_status_code_list" "classification"
//            "classification_reason" conn_trace_id]      (type ∈ http https h2 grpcs ws wss)
//   albc  := time client_ip client_port listener_port tls_protocol tls_cipher
//            tls_handshake_latency "leaf_client_cert_subject" leaf_client_cert_validity
//            leaf_client_cert_serial_number tls_verify_status [conn_trace_id]
//   nlb   := "tls" version time elb listener client:port destination:port connection_time
//            tls_handshake_time received_bytes sent_bytes incoming_tls_alert chosen_cert_arn
//            chosen_cert_serial tls_cipher tls_protocol_version tls_named_group domain_name
//            alpn_fe_protocol alpn_be_protocol alpn_client_preference_list
//            [tls_connection_creation_time]
//   elb   := time elb client:port backend:port request_processing_time backend_processing_time
//            response_processing_time elb_status_code backend_status_code received_bytes
//            sent_bytes "request" "user_agent" ssl_cipher ssl_protocol
// Values past the last documented field are ignored (AWS appends fields over time).
#pragma once
#include "formats/format.h"

namespace cloudsift {

//! ALB access logs and ALB connection logs ("alb").
const Format& AlbFormat();
//! NLB TLS access logs ("nlb").
const Format& NlbFormat();
//! Classic Load Balancer access logs ("elb").
const Format& ElbFormat();

} // namespace cloudsift
