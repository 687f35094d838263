// CloudTrail record model and serializer for the simulator. The serializer writes the keys in
// the order CloudTrail's S3 delivery uses and only the optional keys CloudTrail itself emits for
// the identity type and event kind (sessionContext for sessions, tlsDetails for TLS API calls,
// errorCode/errorMessage on failures, resources/additionalEventData where the service sets them).
#pragma once
#include <string>
#include <string_view>

#include "common/time_util.h"
#include "sim/rng.h"

namespace cloudsift::sim {

//! userIdentity.type values the simulator produces.
enum class IdentityType { IAMUser, AssumedRole, Root, AWSService };

//! The userIdentity block of a record.
struct Identity {
    IdentityType type = IdentityType::AssumedRole;
    std::string principal_id; //!< "AROA…:session", "AIDA…", or the account id for Root
    std::string arn;
    std::string account_id;
    std::string access_key_id; //!< "ASIA…"/"AKIA…"; empty string is written for console Root
    std::string user_name;     //!< IAMUser (and Root console sign-ins)
    std::string invoked_by;    //!< "ec2.amazonaws.com" for AWSService / service-invoked calls
    // Session (AssumedRole, or console sessions of users): sessionContext is written when set.
    bool has_session = false;
    std::string issuer_principal_id; //!< "AROA…" of the role; empty for user console sessions
    std::string issuer_arn;
    std::string issuer_name;
    TimeMs creation_date = 0;
    bool mfa = false;
    bool ec2_role_delivery = false; //!< instance-profile sessions carry "ec2RoleDelivery":"2.0"
};

//! One CloudTrail record; JSON members are pre-rendered JSON text ("null" when absent).
struct CtEvent {
    TimeMs time = 0;
    const Identity* identity = nullptr;
    std::string event_source;
    std::string event_name;
    std::string region;
    std::string source_ip;
    std::string user_agent;
    std::string request = "null";  //!< requestParameters JSON
    std::string response = "null"; //!< responseElements JSON
    std::string additional;        //!< additionalEventData JSON, omitted when empty
    std::string resources;         //!< resources JSON array, omitted when empty
    std::string error_code;        //!< omitted when empty
    std::string error_message;     //!< omitted when empty
    std::string tls_host;          //!< clientProvidedHostHeader; no tlsDetails when empty
    std::string event_type = "AwsApiCall";
    std::string recipient_account;
    std::string request_id; //!< omitted when empty (sign-in events carry none)
    std::string event_id;
    bool read_only = true;
    bool management = true; //!< false for data events (eventCategory "Data")
    bool console_session = false; //!< sessionCredentialFromConsole
};

//! Appends ev as one JSON object (no separators) in CloudTrail's delivery key order.
void AppendCtEvent(std::string& out, const CtEvent& ev);

//! An AWS-style key/role/user id: prefix followed by uppercase letters and digits.
std::string AwsId(Rng& rng, std::string_view prefix, size_t total_len);

//! A request id in the style of S3 (16 uppercase hex) when s3, else a UUID.
std::string RequestId(Rng& rng, bool s3);

} // namespace cloudsift::sim
