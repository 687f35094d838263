// Normalized: the common vocabulary every decoder fills beside the native record, with names
// aligned on OCSF (class, actor, src/dst endpoint, api operation, status, cloud region/account).
// All views borrow from the decoder's storage and are valid during the record callback only.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "common/time_util.h"

namespace cloudsift {

//! OCSF-aligned event class.
enum class EventClass : uint8_t {
    Unknown,
    ApiActivity,      //!< CloudTrail management/data events
    NetworkActivity,  //!< VPC Flow Logs, firewall
    HttpActivity,     //!< ALB, CloudFront, nginx/apache, WAF, S3 access
    DnsActivity,      //!< Route 53 resolver
    Authentication,   //!< sshd, console logins
    SystemActivity,   //!< syslog, auditd
    DetectionFinding, //!< GuardDuty, Security Hub
};

//! The OCSF-style snake_case name of a class ("api_activity").
std::string_view EventClassName(EventClass c);

//! The Sigma logsource an event belongs to (product, service, categories).
struct LogSource {
    std::string_view product;                   //!< "aws", "linux", "nginx" …
    std::string_view service;                   //!< "cloudtrail", "vpcflow", "auth" …
    std::array<std::string_view, 2> categories; //!< "webserver", "dns", "firewall", "proxy" …
};

//! Common fields of a record, whatever its source.
struct Normalized {
    TimeMs time = 0;                    //!< event time (0 when unknown)
    EventClass cls = EventClass::Unknown;
    LogSource logsource;
    std::string_view source_type;       //!< decoder name: "cloudtrail", "vpcflow", "alb" …
    std::string_view event_id;          //!< eventID, request id, finding id
    std::string_view action;            //!< eventName / HTTP method / DNS query type / flow action
    std::string_view service;           //!< eventSource ("iam.amazonaws.com"), or the log's service
    std::string_view actor_arn;         //!< principal ARN
    std::string_view actor_type;        //!< IAMUser, AssumedRole, Root, AWSService …
    std::string_view actor_name;        //!< user name / role session issuer name / OS user
    std::string_view access_key;        //!< AKIA…/ASIA…
    std::string_view session_issuer;    //!< ARN of the role behind a session
    std::string_view mfa;               //!< "true" / "false" / ""
    std::string_view src_ip;
    std::string_view src_port;
    std::string_view dst_ip;
    std::string_view dst_port;
    std::string_view protocol;
    std::string_view instance_id;
    std::string_view vpc_id;
    std::string_view interface_id;
    std::string_view resource;          //!< main target: bucket/key, URL path, query name …
    std::string_view outcome;           //!< "success" / "failure" / ""
    std::string_view error_code;
    std::string_view error_message;
    std::string_view region;
    std::string_view account;
    std::string_view user_agent;
    std::string_view finding_type;      //!< imported findings: GuardDuty/ASFF type
    std::string_view severity;          //!< imported findings: original severity
};

} // namespace cloudsift
