#include "sim/world.h"

#include <string>

namespace cloudsift::sim {
namespace {

std::string Ip(Rng& rng, int a, int b) {
    return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(rng.Range(0, 255)) +
           "." + std::to_string(rng.Range(2, 254));
}

std::string InstanceId(Rng& rng) { return "i-0" + rng.Chars(16, kHexLower); }

Principal MakePrincipal(Rng& rng, PrincipalKind kind, std::string name, std::string session,
                        double weight) {
    Principal p;
    p.kind = kind;
    p.name = std::move(name);
    p.session = std::move(session);
    p.weight = weight;
    p.id = AwsId(rng, kind == PrincipalKind::IamUser ? "AIDA" : "AROA", 21);
    if (kind == PrincipalKind::IamUser) p.static_key = AwsId(rng, "AKIA", 20);
    return p;
}

} // namespace

World BuildWorld(uint64_t seed, int accounts, std::vector<std::string> regions, TimeMs start,
                 TimeMs end) {
    World w;
    w.seed = seed;
    w.regions = std::move(regions);
    w.start = start;
    w.end = end;
    Rng rng(DeriveSeed(seed, {LabelHash("world")}));
    w.org_id = "o-" + rng.Chars(10, "abcdefghijklmnopqrstuvwxyz0123456789");
    w.sso_users = {"maria.lopez@example.com", "dev.patel@example.com", "sam.okafor@example.com",
                   "lena.schmidt@example.com"};
    for (int i = 0; i < 3; ++i) w.office_ips.push_back(Ip(rng, 81, 2));
    for (int i = 0; i < 6; ++i) w.ci_ips.push_back(Ip(rng, rng.Chance(0.5) ? 20 : 4, 161));
    w.alb_name = "app/web-prod/" + rng.Chars(16, kHexLower);
    w.alb_ip = "10.0.0." + std::to_string(rng.Range(10, 200));
    w.db_ip = "10.0.20." + std::to_string(rng.Range(10, 200));
    static const char* kNames[] = {"prod", "staging", "security"};
    for (int i = 0; i < accounts; ++i) {
        Account a;
        a.id = std::to_string(rng.Range(100000000000LL, 999999999999LL));
        a.name = i < 3 ? kNames[i] : "sandbox-" + std::to_string(i - 2);
        std::string n = a.name;
        a.kms_key = rng.Uuid();
        a.vpc_id = "vpc-0" + rng.Chars(16, kHexLower);
        a.flow_log_id = "fl-0" + rng.Chars(16, kHexLower);
        a.security_group = "sg-0" + rng.Chars(16, kHexLower);
        a.nat_ip = Ip(rng, 52, 70 + i);
        a.has_network = i < 2;
        a.buckets = {"acme-" + n + "-assets", "acme-" + n + "-uploads", "acme-" + n + "-backups",
                     "acme-" + n + "-artifacts"};
        a.functions = {"orders-processor", "thumbnailer", "nightly-report"};
        a.secrets = {n + "/db/master", n + "/stripe/api-key", n + "/app/jwt-signing",
                     n + "/smtp/credentials"};
        a.parameters = {"/" + n + "/app/db_host", "/" + n + "/app/db_password",
                        "/" + n + "/app/redis_url", "/" + n + "/app/feature_flags"};
        a.users = {"backup-svc", "legacy-deploy", "breakglass-admin"};
        int subnet = 1;
        auto add_host = [&](std::string name, std::string role) {
            Host h;
            h.name = std::move(name);
            h.instance_id = InstanceId(rng);
            h.private_ip = "10." + std::to_string(i) + "." + std::to_string(subnet++) + "." +
                           std::to_string(rng.Range(10, 250));
            h.public_ip = Ip(rng, 54, 80 + int(rng.Below(100)));
            h.role = std::move(role);
            a.hosts.push_back(std::move(h));
        };
        if (i < 2) {
            add_host("web-1", "web-role");
            add_host("web-2", "web-role");
            add_host("bastion", "");
        }
        add_host("batch-1", "batch-worker-role");
        using K = PrincipalKind;
        a.principals.push_back(MakePrincipal(rng, K::Terraform, "terraform-apply",
                                             "terraform-run", 18));
        a.principals.push_back(MakePrincipal(rng, K::Ci, "github-actions-deploy", "GitHubActions",
                                             10));
        for (size_t h = 0; h < a.hosts.size(); ++h) {
            if (a.hosts[h].role.empty()) continue;
            Principal p = MakePrincipal(rng, K::Ec2Role, a.hosts[h].role, a.hosts[h].instance_id,
                                        h + 1 == a.hosts.size() ? 10 : 8);
            // Every host of a role shares the role id.
            for (auto& q : a.principals)
                if (q.kind == K::Ec2Role && q.name == p.name) p.id = q.id;
            p.host = int(h);
            a.principals.push_back(std::move(p));
        }
        for (auto& fn : a.functions)
            a.principals.push_back(MakePrincipal(rng, K::Lambda, fn + "-role", fn, 5));
        a.principals.push_back(MakePrincipal(
            rng, K::SsoAdmin, "AWSReservedSSO_AdministratorAccess_" + rng.Chars(16, kHexLower),
            "", 6));
        a.principals.push_back(MakePrincipal(rng, K::IamUser, "backup-svc", "", 4));
        a.principals.push_back(MakePrincipal(rng, K::ConfigRole, "AWSServiceRoleForConfig",
                                             "AWSConfig-Describe", 9));
        a.principals.push_back(MakePrincipal(rng, K::AwsService, "", "", 6));
        w.accounts.push_back(std::move(a));
    }
    return w;
}

Identity SessionIdentity(const World& w, const Account& a, const Principal& p, TimeMs t,
                         std::string_view session) {
    Identity id;
    id.account_id = a.id;
    TimeMs hour = t - t % 3600000;
    Rng rng(DeriveSeed(w.seed, {LabelHash(a.id), LabelHash(p.name), LabelHash(session),
                                uint64_t(hour)}));
    switch (p.kind) {
    case PrincipalKind::AwsService: id.type = IdentityType::AWSService; return id;
    case PrincipalKind::IamUser:
        id.type = IdentityType::IAMUser;
        id.principal_id = p.id;
        id.arn = "arn:aws:iam::" + a.id + ":user/" + p.name;
        id.access_key_id = p.static_key;
        id.user_name = p.name;
        return id;
    default: break;
    }
    id.type = IdentityType::AssumedRole;
    id.principal_id = p.id + ":" + std::string(session);
    std::string path = p.kind == PrincipalKind::SsoAdmin
                           ? "aws-reserved/sso.amazonaws.com/"
                           : (p.kind == PrincipalKind::ConfigRole
                                  ? "aws-service-role/config.amazonaws.com/"
                                  : "");
    id.arn = "arn:aws:sts::" + a.id + ":assumed-role/" + p.name + "/" + std::string(session);
    id.access_key_id = AwsId(rng, "ASIA", 20);
    id.has_session = true;
    id.issuer_principal_id = p.id;
    id.issuer_arn = "arn:aws:iam::" + a.id + ":role/" + path + p.name;
    id.issuer_name = p.name;
    id.creation_date = hour - TimeMs(rng.Below(600) + 1) * 1000;
    id.mfa = false;
    id.ec2_role_delivery = p.kind == PrincipalKind::Ec2Role;
    if (p.kind == PrincipalKind::ConfigRole) id.invoked_by = "config.amazonaws.com";
    return id;
}

} // namespace cloudsift::sim
