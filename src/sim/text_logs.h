// Line formats of the non-CloudTrail sources and their background generators:
//   VPC Flow Logs v2:  version account-id interface-id srcaddr dstaddr srcport dstport protocol
//                      packets bytes start end action log-status   (space separated, header line)
//   ALB access log:    type time elb client:port target:port rpt tpt rspt elb_status target_status
//                      received sent "request" "user_agent" cipher protocol tg_arn "trace" "domain"
//                      "cert" priority creation_time "actions" "redirect" "error" "targets"
//                      "target_status" "classification" "reason" conn_trace_id
//   Route 53 resolver: one JSON object per line (version, account_id, region, vpc_id,
//                      query_timestamp, query_name, query_type, query_class, rcode, answers,
//                      srcaddr, srcport, transport, srcids)
//   nginx:             combined format
//   auth.log:          RFC 3164 "Mmm dd hh:mm:ss host prog[pid]: message"
#pragma once
#include <string>
#include <string_view>

#include "sim/rng.h"
#include "sim/world.h"

namespace cloudsift::sim {

//! The v2 header line of a VPC Flow Logs file (without newline).
inline constexpr std::string_view kFlowHeader =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
    "start end action log-status";

//! One flow record.
struct Flow {
    std::string_view eni, src, dst;
    int sport = 0, dport = 0, proto = 6;
    uint64_t packets = 1, bytes = 60;
    TimeMs start = 0;
    bool accept = true;
};

//! Appends a v2 flow line (with newline).
void AppendFlowLine(std::string& out, std::string_view account, const Flow& f);

//! One HTTP request as seen by the ALB and nginx.
struct WebRequest {
    TimeMs time = 0;
    std::string_view client_ip;
    int client_port = 40000;
    std::string_view target_ip;
    std::string_view method = "GET";
    std::string path;
    int status = 200;
    uint64_t bytes = 512;
    uint64_t received = 300;
    std::string_view user_agent;
    std::string_view referer = "-";
};

//! Appends an ALB access-log line (with newline).
void AppendAlbLine(std::string& out, Rng& rng, const World& w, const Account& a,
                   const WebRequest& r);
//! Appends an nginx combined-format line (with newline).
void AppendNginxLine(std::string& out, const WebRequest& r);
//! Appends a Route 53 resolver query-log JSON line (with newline).
void AppendDnsLine(std::string& out, const World& w, const Account& a, TimeMs t,
                   std::string_view src_ip, std::string_view instance, std::string_view qname,
                   std::string_view qtype, std::string_view rcode, std::string_view answer,
                   int srcport);
//! Appends an RFC 3164 auth.log line (with newline).
void AppendSyslogLine(std::string& out, TimeMs t, std::string_view host, std::string_view prog,
                      int pid, std::string_view message);
//! The hostname a Linux EC2 host logs under ("ip-10-0-1-23").
std::string SyslogHost(const Host& h);
//! The ENI id of a host (stable per instance id).
std::string HostEni(const Host& h);

//! Background generators: each appends one benign record at time t and returns the host index
//! (nginx/auth) or account index (flow, dns) the record belongs to.
int NextFlow(Rng& rng, const World& w, TimeMs t, std::string& out);
int NextDns(Rng& rng, const World& w, TimeMs t, std::string& out);
//! One benign web request to the prod ALB; fills alb and nginx lines; returns the target host.
int NextWeb(Rng& rng, const World& w, TimeMs t, std::string& alb, std::string& nginx);
//! One benign auth.log line for a prod host; returns the host index.
int NextAuth(Rng& rng, const World& w, TimeMs t, std::string& out);

} // namespace cloudsift::sim
