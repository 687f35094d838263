// The simulated AWS organization: accounts, principals, hosts and resources, built
// deterministically from the seed. Background generators and scenarios draw from it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/time_util.h"
#include "sim/ct_event.h"

namespace cloudsift::sim {

//! An EC2 host of the organization.
struct Host {
    std::string name;        //!< "web-1"
    std::string instance_id; //!< "i-0…"
    std::string private_ip;
    std::string public_ip;
    std::string role;        //!< instance-profile role name, empty when none
};

//! Kinds of background principals, each with its own API mix, source IPs and user agents.
enum class PrincipalKind {
    Ci,
    Terraform,
    Ec2Role,
    Lambda,
    SsoAdmin,
    IamUser,
    ConfigRole,
    AwsService
};

//! A background principal of one account.
struct Principal {
    PrincipalKind kind = PrincipalKind::Ci;
    std::string name;         //!< role or user name
    std::string id;           //!< AROA… / AIDA…
    std::string session;      //!< session name ("" → drawn per event for SSO users)
    std::string static_key;   //!< AKIA… for IAM users
    int host = -1;            //!< index into Account::hosts for instance roles
    double weight = 1;        //!< share of the account's background CloudTrail events
};

//! One account of the organization.
struct Account {
    std::string id;
    std::string name; //!< "prod", "staging", "security", "sandbox-N"
    std::vector<Principal> principals;
    std::vector<Host> hosts;
    std::vector<std::string> buckets;
    std::vector<std::string> functions;
    std::vector<std::string> secrets;
    std::vector<std::string> parameters;
    std::vector<std::string> users; //!< IAM user names
    std::string kms_key;            //!< key id (UUID)
    std::string vpc_id;
    std::string flow_log_id;
    std::string security_group;
    std::string nat_ip;
    bool has_network = false; //!< VPC flow logs and resolver query logs are collected
};

//! The whole organization and the simulation period.
struct World {
    uint64_t seed = 0;
    std::string org_id;
    std::vector<Account> accounts;
    std::vector<std::string> regions; //!< regions in use; the first is the primary region
    std::vector<std::string> sso_users;
    std::vector<std::string> office_ips;
    std::vector<std::string> ci_ips;
    TimeMs start = 0;
    TimeMs end = 0;
    std::string alb_name;   //!< "app/web-prod/<16 hex>"
    std::string alb_ip;     //!< ALB node private IP (prod)
    std::string db_ip;      //!< RDS endpoint private IP (prod)
};

//! Builds the organization for a seed (account 0 is "prod", 1 "staging", 2 "security").
World BuildWorld(uint64_t seed, int accounts, std::vector<std::string> regions, TimeMs start,
                 TimeMs end);

//! The session credentials a principal uses during the hour containing t (ASIA… key and
//! creation time), so sessions rotate hourly as instance-profile and CI credentials do.
Identity SessionIdentity(const World& w, const Account& a, const Principal& p, TimeMs t,
                         std::string_view session);

} // namespace cloudsift::sim
