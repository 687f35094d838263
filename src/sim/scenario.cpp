#include "sim/scenario.h"

#include <algorithm>
#include <stdexcept>

#include "sim/background.h"
#include "sim/ct_builder.h"
#include "sim/text_logs.h"

namespace cloudsift::sim {
namespace {

constexpr TimeMs kSec = 1000;
constexpr TimeMs kMin = 60 * kSec;
constexpr TimeMs kHour = 60 * kMin;

using Vars = std::vector<std::pair<std::string, std::string>>;

//! Accumulates the records of one scenario with the current step's metadata.
class Builder {
public:
    Builder(const World& w, std::string_view name, TimeMs t0, uint64_t seed)
        : w_(w), rng_(DeriveSeed(seed, {LabelHash("scenario"), LabelHash(name)})), now_(t0) {
        run_.name = std::string(name);
    }

    Rng& rng() { return rng_; }
    TimeMs now() const { return now_; }
    const World& world() const { return w_; }

    //! Starts the next step.
    void Step(std::string action, std::string tactic, std::string technique) {
        meta_ = {run_.name, ++step_, std::move(action), std::move(tactic), std::move(technique)};
    }
    //! Advances the clock by a jittered delay in seconds.
    void Wait(double min_s, double max_s) {
        now_ += TimeMs(min_s * 1000) + TimeMs(rng_.Below(uint64_t((max_s - min_s) * 1000) + 1));
    }

    //! Adds a CloudTrail record; returns its eventID.
    std::string Ct(int acct, const Identity& id, const char* api, std::string region,
                   std::string_view ip, std::string_view ua, Vars vars = {},
                   CallOutcome outcome = CallOutcome::Success, std::string code = {},
                   std::string message = {}) {
        const Account& a = w_.accounts[size_t(acct)];
        CallSpec spec;
        spec.api = &FindApi(api);
        if (spec.api->global) region = "us-east-1";
        spec.time = now_;
        spec.region = region;
        spec.identity = &id;
        spec.source_ip = ip;
        spec.user_agent = ua;
        spec.outcome = outcome;
        spec.error_code = std::move(code);
        spec.error_message = std::move(message);
        spec.vars = std::move(vars);
        spec.tls = std::string_view(api) != "ConsoleLogin";
        CtEvent ev;
        BuildCall(rng_, w_, a, spec, ev);
        SimRecord r;
        r.time = now_;
        r.source = Source::CloudTrail;
        r.account = acct;
        r.region = region;
        AppendCtEvent(r.text, ev);
        r.event_id = ev.event_id;
        r.meta = meta_;
        run_.records.push_back(std::move(r));
        return ev.event_id;
    }

    //! Adds a text-log record.
    void Line(Source src, int acct, int host, std::string text) {
        SimRecord r;
        r.time = now_;
        r.source = src;
        r.account = acct;
        r.host = host;
        r.text = std::move(text);
        r.meta = meta_;
        run_.records.push_back(std::move(r));
    }

    //! A web request through the prod ALB to host (ALB line and nginx line).
    void Web(int host, WebRequest req) {
        const Account& a = w_.accounts[0];
        req.time = now_;
        req.target_ip = a.hosts[size_t(host)].private_ip;
        std::string alb, nginx;
        AppendAlbLine(alb, rng_, w_, a, req);
        AppendNginxLine(nginx, req);
        Line(Source::Alb, 0, -1, std::move(alb));
        Line(Source::Nginx, 0, host, std::move(nginx));
    }

    //! An auth.log line on a prod host.
    void Auth(int host, std::string_view prog, std::string_view msg) {
        std::string line;
        AppendSyslogLine(line, now_, SyslogHost(w_.accounts[0].hosts[size_t(host)]), prog,
                         int(rng_.Range(1000, 60000)), msg);
        Line(Source::AuthLog, 0, host, std::move(line));
    }

    //! A session of the named role principal (the credentials a workload holds at now()).
    Identity RoleSession(int acct, std::string_view role, std::string_view session) {
        const Account& a = w_.accounts[size_t(acct)];
        for (const Principal& p : a.principals)
            if (p.name == role) return SessionIdentity(w_, a, p, now_, session);
        throw std::logic_error("no principal " + std::string(role));
    }

    //! A long-term IAM user identity with a fresh AKIA key.
    Identity User(int acct, std::string_view name) {
        const Account& a = w_.accounts[size_t(acct)];
        for (const Principal& p : a.principals)
            if (p.kind == PrincipalKind::IamUser && p.name == name)
                return SessionIdentity(w_, a, p, now_, "");
        Identity id;
        id.type = IdentityType::IAMUser;
        id.account_id = a.id;
        id.principal_id = AwsId(rng_, "AIDA", 21);
        id.arn = "arn:aws:iam::" + a.id + ":user/" + std::string(name);
        id.access_key_id = AwsId(rng_, "AKIA", 20);
        id.user_name = std::string(name);
        return id;
    }

    //! The account's root user.
    Identity Root(int acct) {
        const Account& a = w_.accounts[size_t(acct)];
        Identity id;
        id.type = IdentityType::Root;
        id.account_id = a.id;
        id.principal_id = a.id;
        id.arn = "arn:aws:iam::" + a.id + ":root";
        return id;
    }

    //! A public IP in a hosting / anonymizing range.
    std::string AttackerIp() {
        static const char* kNets[] = {"185.220.101.", "45.9.148.", "193.142.146.", "5.161.72.",
                                      "91.92.251.", "103.251.167."};
        return rng_.Pick(kNets) + std::to_string(rng_.Range(2, 250));
    }

    //! A region not in the organization's region list.
    std::string UnusedRegion(int k) {
        static const char* kRegions[] = {"ap-southeast-1", "sa-east-1", "ap-northeast-2",
                                         "eu-north-1",     "ap-south-1", "ca-central-1"};
        int seen = 0;
        for (const char* r : kRegions) {
            if (std::find(w_.regions.begin(), w_.regions.end(), r) != w_.regions.end()) continue;
            if (seen++ == k) return r;
        }
        return kRegions[k % 6];
    }

    ScenarioRun Finish(std::string brief, std::string answer) {
        std::stable_sort(run_.records.begin(), run_.records.end(),
                         [](const SimRecord& a, const SimRecord& b) { return a.time < b.time; });
        run_.brief = std::move(brief);
        run_.answer = std::move(answer);
        return std::move(run_);
    }

private:
    const World& w_;
    Rng rng_;
    TimeMs now_;
    int step_ = 0;
    TruthMeta meta_;
    ScenarioRun run_;
};

std::string Primary(const World& w) { return w.regions.front(); }

ScenarioRun WebappCoinminer(Builder& b) {
    const World& w = b.world();
    const Account& a = w.accounts[0];
    const Host& web = a.hosts[0];
    std::string scan_ip = b.AttackerIp();
    std::string op_ip = b.AttackerIp();
    std::string c2 = "45.9.148." + std::to_string(b.rng().Range(2, 250));
    std::string pool_ip = "141.94." + std::to_string(b.rng().Range(1, 250)) + "." +
                          std::to_string(b.rng().Range(2, 250));
    std::string region = Primary(w);

    b.Step("vulnerability scan of the shop", "reconnaissance", "T1595.002");
    const char* probes[] = {"/.env", "/phpinfo.php", "/vendor/phpunit/phpunit/phpunit.xml",
                            "/.git/HEAD", "/admin/config.php", "/composer.json",
                            "/vendor/composer/installed.json"};
    for (const char* p : probes) {
        WebRequest r;
        r.client_ip = scan_ip;
        r.client_port = int(b.rng().Range(30000, 60000));
        r.path = p;
        r.status = std::string_view(p).find("vendor") != std::string_view::npos ? 200 : 404;
        r.bytes = r.status == 200 ? 2210 : 153;
        r.user_agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)";
        b.Web(0, r);
        b.Wait(0.4, 3);
    }
    b.Wait(600, 1500);
    b.Step("PHPUnit eval-stdin.php remote code execution (CVE-2017-9841)", "initial-access",
           "T1190");
    for (int i = 0; i < 3; ++i) {
        WebRequest r;
        r.client_ip = op_ip;
        r.method = "POST";
        r.path = "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php";
        r.status = 200;
        r.bytes = i == 0 ? 32 : 118;
        r.received = 412;
        r.user_agent = "python-requests/2.28.1";
        b.Web(0, r);
        b.Wait(5, 40);
    }
    b.Step("web shell command execution as www-data", "execution", "T1059.004");
    b.Auth(0, "sudo", "www-data : user NOT in sudoers ; TTY=unknown ; PWD=/var/www/html ; "
                      "USER=root ; COMMAND=/bin/sh -c id");
    b.Wait(20, 60);
    b.Step("local privilege escalation and backdoor user", "persistence", "T1136.001");
    b.Auth(0, "useradd", "new group: name=sysupdate, GID=1002");
    b.Auth(0, "useradd",
           "new user: name=sysupdate, UID=1002, GID=1002, home=/home/sysupdate, shell=/bin/bash, "
           "from=none");
    b.Wait(30, 90);
    b.Step("SSH login with the backdoor user", "persistence", "T1078.003");
    b.Auth(0, "sshd", "Accepted password for sysupdate from " + op_ip + " port " +
                          std::to_string(b.rng().Range(40000, 60000)) + " ssh2");
    b.Auth(0, "sshd", "pam_unix(sshd:session): session opened for user sysupdate(uid=1002) by (uid=0)");
    b.Wait(60, 200);

    // Instance credentials read from IMDS and used from the attacker's machine.
    Identity stolen = b.RoleSession(0, "web-role", web.instance_id);
    b.Step("stolen instance-role credentials used outside AWS", "initial-access", "T1078.004");
    b.Ct(0, stolen, "GetCallerIdentity", region, op_ip, ua::kAttackerCli);
    b.Wait(10, 40);
    b.Step("cloud discovery with the instance role", "discovery", "T1580");
    b.Ct(0, stolen, "ListBuckets", region, op_ip, ua::kAttackerBoto);
    b.Wait(2, 8);
    b.Ct(0, stolen, "DescribeInstances", region, op_ip, ua::kAttackerBoto);
    b.Wait(2, 8);
    b.Ct(0, stolen, "DescribeRegions", region, op_ip, ua::kAttackerBoto);
    b.Wait(2, 8);
    b.Step("IAM discovery with the instance role", "discovery", "T1087.004");
    b.Ct(0, stolen, "ListUsers", region, op_ip, ua::kAttackerBoto);
    b.Wait(1, 5);
    b.Ct(0, stolen, "ListRoles", region, op_ip, ua::kAttackerBoto, {}, CallOutcome::AccessDenied);
    b.Wait(1, 5);
    b.Ct(0, stolen, "GetAccountSummary", region, op_ip, ua::kAttackerBoto, {},
         CallOutcome::AccessDenied);
    b.Wait(1, 5);
    b.Ct(0, stolen, "ListSecrets", region, op_ip, ua::kAttackerBoto, {}, CallOutcome::AccessDenied);
    b.Wait(120, 400);

    std::string user = "svc-sync-" + b.rng().Chars(4, "0123456789");
    b.Step("backdoor IAM user", "persistence", "T1136.003");
    b.Ct(0, stolen, "CreateUser", region, op_ip, ua::kAttackerBoto, {{"user", user}});
    b.Wait(3, 15);
    Identity backdoor = b.User(0, user);
    b.Step("access key for the backdoor user", "persistence", "T1098.001");
    b.Ct(0, stolen, "CreateAccessKey", region, op_ip, ua::kAttackerBoto,
         {{"user", user}, {"akia", backdoor.access_key_id}});
    b.Wait(3, 15);
    b.Step("AdministratorAccess attached to the backdoor user", "privilege-escalation",
           "T1098.003");
    b.Ct(0, stolen, "AttachUserPolicy", region, op_ip, ua::kAttackerBoto, {{"user", user}});
    b.Wait(300, 900);

    std::string ip2 = b.AttackerIp();
    b.Step("security group opened to the internet", "defense-evasion", "T1562.007");
    b.Ct(0, backdoor, "AuthorizeSecurityGroupIngress", region, ip2, ua::kAttackerBoto,
         {{"port", "22"}, {"cidr", "0.0.0.0/0"}});
    b.Wait(30, 120);
    b.Step("GPU instances launched in unused regions", "impact", "T1496.001");
    const char* types[] = {"p3.16xlarge", "g4dn.12xlarge", "c5.24xlarge"};
    for (int i = 0; i < 4; ++i) {
        std::string r = b.UnusedRegion(i % 2);
        Vars v = {{"itype", types[i % 3]}, {"count", std::to_string(b.rng().Range(4, 10))}};
        if (i == 1)
            b.Ct(0, backdoor, "RunInstances", r, ip2, ua::kAttackerBoto, v, CallOutcome::Error,
                 "Client.VcpuLimitExceeded",
                 "You have requested more vCPU capacity than your current vCPU limit of 64 allows "
                 "for the instance bucket that the specified instance type belongs to.");
        else
            b.Ct(0, backdoor, "RunInstances", r, ip2, ua::kAttackerBoto, v);
        b.Wait(20, 90);
    }
    b.Step("mining pool lookups from the web host", "impact", "T1496.001");
    for (int i = 0; i < 4; ++i) {
        std::string line;
        AppendDnsLine(line, w, a, b.now(), web.private_ip, web.instance_id,
                      i % 2 ? "pool.supportxmr.com." : "xmr-eu1.nanopool.org.", "A", "NOERROR",
                      pool_ip, int(b.rng().Range(32768, 60999)));
        b.Line(Source::Resolver, 0, -1, std::move(line));
        b.Wait(5, 30);
    }
    b.Step("mining pool connections from the web host", "impact", "T1496.001");
    std::string eni = HostEni(web);
    for (int i = 0; i < 8; ++i) {
        Flow f;
        f.eni = eni;
        f.src = web.private_ip;
        f.dst = pool_ip;
        f.sport = int(b.rng().Range(32768, 60999));
        f.dport = i % 2 ? 14444 : 3333;
        f.packets = b.rng().Range(40, 400);
        f.bytes = f.packets * b.rng().Range(80, 300);
        f.start = b.now();
        std::string line;
        AppendFlowLine(line, a.id, f);
        b.Line(Source::VpcFlow, 0, -1, std::move(line));
        b.Wait(60, 300);
    }
    b.Step("CloudTrail logging stopped and trail deleted", "defense-evasion", "T1562.008");
    b.Ct(0, backdoor, "StopLogging", region, ip2, ua::kAttackerBoto);
    b.Wait(5, 20);
    b.Ct(0, backdoor, "DeleteTrail", region, ip2, ua::kAttackerBoto);
    b.Wait(5, 20);
    b.Step("GuardDuty detector deletion attempt", "defense-evasion", "T1562.001");
    b.Ct(0, backdoor, "ListDetectors", region, ip2, ua::kAttackerBoto);
    b.Wait(2, 10);
    b.Ct(0, backdoor, "DeleteDetector", region, ip2, ua::kAttackerBoto, {}, CallOutcome::AccessDenied);

    std::string brief =
        "The finance team reports an EC2 bill spike in the production account " + a.id +
        " (\"prod\"). GuardDuty raised cryptocurrency findings for instance " + web.instance_id +
        " (web-1, the PHP shop behind the ALB). Find out how the attacker got in, which "
        "credentials they used, what they created, and what must be shut off.\n";
    std::string answer =
        "**What happened.** A scanner (" + scan_ip +
        ") found the exposed PHPUnit `eval-stdin.php` on web-1; the attacker (" + op_ip +
        ") exploited it (CVE-2017-9841), ran commands as www-data, added the local user "
        "`sysupdate` and logged in over SSH. They read the instance-role credentials of "
        "`web-role` from IMDS and used them from outside AWS (ASIA key " +
        stolen.access_key_id + "), ran discovery (several calls denied), created IAM user `" +
        user + "` with access key " + backdoor.access_key_id +
        " and AdministratorAccess, opened " + a.security_group +
        " to 0.0.0.0/0 on port 22, launched GPU/compute instances in unused regions, started "
        "XMRig on web-1 (pool.supportxmr.com, ports 3333/14444 to " + pool_ip +
        "), stopped and deleted the account trail and tried to delete GuardDuty.\n\n"
        "**Impact.** Compute spend in unused regions, a root-equivalent backdoor user, a "
        "compromised web host, reduced logging.\n\n"
        "**Cause.** Unpatched dev dependency deployed to production (vendor/ in the web root), "
        "IMDSv1 allowed on the instance, and an over-broad instance role (IAM user management).\n\n"
        "**Countermeasures.** Isolate web-1 (snapshot for forensics), revoke the role's active "
        "sessions, delete `" + user + "` and its keys, terminate the instances in the unused "
        "regions, revert the security-group rule, re-create the trail, enforce IMDSv2, remove "
        "vendor/ from the web root, restrict the role, deny unused regions with an SCP.\n";
    return b.Finish(brief, answer);
}

ScenarioRun LeakedKeyS3Exfil(Builder& b) {
    const World& w = b.world();
    const Account& a = w.accounts[0];
    std::string ip = b.AttackerIp();
    std::string region = Primary(w);
    Identity key = b.User(0, "legacy-deploy");
    b.Step("leaked access key validated", "initial-access", "T1078.004");
    b.Ct(0, key, "GetCallerIdentity", region, ip, ua::kAttackerCli);
    b.Wait(20, 120);
    b.Step("bucket discovery", "discovery", "T1619");
    b.Ct(0, key, "ListBuckets", region, ip, ua::kAttackerBoto);
    for (const auto& bucket : a.buckets) {
        b.Wait(1, 4);
        b.Ct(0, key, "GetBucketLocation", region, ip, ua::kAttackerBoto, {{"b", bucket}});
    }
    b.Wait(1, 4);
    b.Ct(0, key, "GetBucketPolicy", region, ip, ua::kAttackerBoto, {{"b", a.buckets[1]}},
         CallOutcome::AccessDenied);
    for (int i = 0; i < 3; ++i) {
        b.Wait(1, 6);
        b.Ct(0, key, "ListObjects", region, ip, ua::kAttackerBoto, {{"b", a.buckets[1 + i % 2]}});
    }
    b.Wait(60, 300);
    b.Step("bulk download of customer data", "exfiltration", "T1530");
    int n = int(b.rng().Range(25, 40));
    for (int i = 0; i < n; ++i) {
        std::string k = "customers/export-" + std::to_string(2019 + i % 5) + "-" +
                        std::to_string(i) + ".csv.gz";
        b.Ct(0, key, "GetObject", region, ip, ua::kAttackerBoto,
             {{"b", a.buckets[i < n / 2 ? 1 : 2]}, {"k", k}, {"in", "0"},
              {"out", std::to_string(b.rng().Range(5 << 20, 60 << 20))}},
             i % 11 == 5 ? CallOutcome::AccessDenied : CallOutcome::Success);
        b.Wait(0.5, 6);
    }
    std::string brief = "A developer found an AWS access key of IAM user `legacy-deploy` in a "
                        "public GitHub repository. Determine whether it was used and what it "
                        "reached in account " + a.id + ".\n";
    std::string answer = "**What happened.** The key " + key.access_key_id +
                         " was used from " + ip +
                         ": identity check, bucket discovery, then bulk GetObject of customer "
                         "exports from " + a.buckets[1] + " and " + a.buckets[2] +
                         ".\n\n**Impact.** Customer data exfiltrated (notification duty).\n\n"
                         "**Cause.** Long-lived key committed to source control; user had "
                         "s3:* on data buckets.\n\n**Countermeasures.** Deactivate and delete the "
                         "key, review S3 data events for the key, rotate secrets in the exported "
                         "data, enable secret scanning, replace users with roles.\n";
    return b.Finish(brief, answer);
}

ScenarioRun S3Ransomware(Builder& b) {
    const World& w = b.world();
    const Account& a = w.accounts[0];
    std::string ip = b.AttackerIp();
    std::string region = Primary(w);
    std::string foreign = "4" + b.rng().Chars(11, "0123456789");
    std::string kms_arn = "arn:aws:kms:" + region + ":" + foreign + ":key/" + b.rng().Uuid();
    Identity key = b.User(0, "backup-svc");
    const std::string& bucket = a.buckets[1];
    b.Step("bucket and versioning discovery", "discovery", "T1619");
    b.Ct(0, key, "ListBuckets", region, ip, ua::kAttackerBoto);
    b.Wait(2, 10);
    b.Ct(0, key, "GetBucketVersioning", region, ip, ua::kAttackerBoto, {{"b", bucket}});
    b.Wait(2, 10);
    b.Ct(0, key, "ListObjects", region, ip, ua::kAttackerBoto, {{"b", bucket}});
    b.Wait(30, 120);
    b.Step("versioning suspended", "impact", "T1490");
    b.Ct(0, key, "PutBucketVersioning", region, ip, ua::kAttackerBoto, {{"b", bucket}});
    b.Wait(10, 60);
    std::vector<std::string> keys;
    for (int i = 0; i < 12; ++i) keys.push_back("uploads/invoices/2024/inv-" + b.rng().Chars(8, kHexLower) + ".pdf");
    b.Step("objects re-encrypted with an attacker-owned KMS key", "impact", "T1486");
    for (auto& k : keys) {
        b.Ct(0, key, "CopyObject", region, ip, ua::kAttackerBoto,
             {{"b", bucket}, {"k", k}, {"kmsarn", kms_arn}});
        b.Wait(0.3, 2);
    }
    b.Step("object versions deleted", "impact", "T1485");
    for (auto& k : keys) {
        b.Ct(0, key, "DeleteObject", region, ip, ua::kAttackerBoto, {{"b", bucket}, {"k", k}},
             k == keys[3] ? CallOutcome::AccessDenied : CallOutcome::Success);
        b.Wait(0.3, 2);
    }
    b.Step("ransom note uploaded", "impact", "T1486");
    b.Ct(0, key, "PutObject", region, ip, ua::kAttackerCli,
         {{"b", bucket}, {"k", "README-RECOVER-YOUR-FILES.txt"}, {"in", "1840"}, {"out", "0"}});
    std::string brief = "Users of the shop report broken invoice downloads; a file "
                        "README-RECOVER-YOUR-FILES.txt appeared in " + bucket + ".\n";
    std::string answer = "**What happened.** The key of `backup-svc` (" + key.access_key_id +
                         ") was used from " + ip + " to suspend versioning on " + bucket +
                         ", copy objects over themselves encrypted with KMS key " + kms_arn +
                         " in foreign account " + foreign +
                         ", delete the prior versions and upload a ransom note.\n\n**Impact.** "
                         "Invoices unreadable without the attacker's key.\n\n**Cause.** "
                         "backup-svc had s3:* and no source-IP condition.\n\n**Countermeasures.** "
                         "Disable the key, restore from backups/replica, enable Object Lock and "
                         "MFA delete, SCP denying foreign KMS keys (s3:x-amz-server-side-"
                         "encryption-aws-kms-key-id), least privilege for backup-svc.\n";
    return b.Finish(brief, answer);
}

ScenarioRun ConsoleBruteforceRoot(Builder& b) {
    const World& w = b.world();
    const Account& a = w.accounts[0];
    Identity root = b.Root(0);
    std::vector<std::string> ips = {b.AttackerIp(), b.AttackerIp(), b.AttackerIp()};
    std::string region = Primary(w);
    b.Step("root password guessing", "credential-access", "T1110.001");
    int n = int(b.rng().Range(12, 20));
    for (int i = 0; i < n; ++i) {
        b.Ct(0, root, "ConsoleLogin", "us-east-1", ips[size_t(i) % 3], ua::kBrowser,
             {{"outcome", "Failure"}, {"mfa", "No"}}, CallOutcome::Error, "",
             "Failed authentication");
        b.Wait(4, 40);
    }
    b.Step("root console login without MFA", "initial-access", "T1078.004");
    b.Ct(0, root, "ConsoleLogin", "us-east-1", ips[0], ua::kBrowser,
         {{"outcome", "Success"}, {"mfa", "No"}});
    b.Wait(30, 120);
    Identity console = root;
    console.access_key_id = AwsId(b.rng(), "ASIA", 20);
    console.has_session = true;
    console.creation_date = b.now() - 60 * kSec;
    b.Step("account discovery as root", "discovery", "T1087.004");
    b.Ct(0, console, "ListUsers", region, ips[0], ua::kBrowser);
    b.Wait(5, 30);
    b.Ct(0, console, "DescribeRegions", region, ips[0], ua::kBrowser);
    b.Wait(30, 200);
    b.Step("access key for a new admin user", "persistence", "T1098.001");
    std::string user = "support-" + b.rng().Chars(3, "0123456789");
    b.Ct(0, console, "CreateUser", region, ips[0], ua::kBrowser, {{"user", user}});
    b.Wait(5, 20);
    b.Ct(0, console, "AttachUserPolicy", region, ips[0], ua::kBrowser, {{"user", user}});
    b.Wait(5, 20);
    b.Ct(0, console, "CreateAccessKey", region, ips[0], ua::kBrowser, {{"user", user}});
    std::string brief = "The account owner of " + a.id +
                        " received an e-mail about a root sign-in they did not make.\n";
    std::string answer = "**What happened.** " + std::to_string(n) +
                         " failed root console logins from " + ips[0] + ", " + ips[1] + ", " +
                         ips[2] + ", then a successful root login without MFA from " + ips[0] +
                         ", discovery, and a new admin user `" + user +
                         "` with an access key.\n\n**Impact.** Full account takeover.\n\n"
                         "**Cause.** Weak, reused root password and no MFA on root.\n\n"
                         "**Countermeasures.** Reset the root password, enable hardware MFA, "
                         "delete `" + user + "`, alarm on root usage, centralize root access.\n";
    return b.Finish(brief, answer);
}

ScenarioRun LoggingTamper(Builder& b) {
    const World& w = b.world();
    const Account& a = w.accounts[0];
    std::string ip = b.AttackerIp();
    std::string region = Primary(w);
    Identity ci = b.RoleSession(0, "github-actions-deploy", "GitHubActions");
    b.Step("security tooling discovery", "discovery", "T1518.001");
    b.Ct(0, ci, "DescribeTrails", region, ip, ua::kAttackerCli);
    b.Wait(2, 10);
    b.Ct(0, ci, "ListDetectors", region, ip, ua::kAttackerCli);
    b.Wait(30, 120);
    b.Step("management events excluded from the trail", "defense-evasion", "T1562.008");
    b.Ct(0, ci, "PutEventSelectors", region, ip, ua::kAttackerCli);
    b.Wait(10, 60);
    b.Step("VPC flow logs deleted", "defense-evasion", "T1562.008");
    b.Ct(0, ci, "DeleteFlowLogs", region, ip, ua::kAttackerCli);
    b.Wait(10, 60);
    b.Step("resolver query logging deleted", "defense-evasion", "T1562.008");
    b.Ct(0, ci, "DeleteResolverQueryLogConfig", region, ip, ua::kAttackerCli);
    b.Wait(10, 60);
    b.Step("trail deletion", "defense-evasion", "T1562.008");
    b.Ct(0, ci, "DeleteTrail", region, ip, ua::kAttackerCli, {{"trail", "org-trail"}},
         CallOutcome::AccessDenied);
    b.Wait(5, 30);
    b.Ct(0, ci, "DeleteTrail", region, ip, ua::kAttackerCli);
    std::string brief = "Security noticed gaps in prod's (" + a.id +
                        ") flow and DNS logs. Find who changed logging and how.\n";
    std::string answer = "**What happened.** Credentials of the CI role github-actions-deploy "
                         "(session " + ci.access_key_id + ") were used from " + ip +
                         " to narrow the trail's event selectors, delete flow logs and the "
                         "resolver query-log config, and delete the account trail (the "
                         "organization trail deletion was denied).\n\n**Impact.** Loss of "
                         "visibility.\n\n**Cause.** CI role with broad permissions and a trust "
                         "policy not pinned to the repository.\n\n**Countermeasures.** Restore "
                         "logging, pin the OIDC trust (sub claim), SCP denying logging changes.\n";
    return b.Finish(brief, answer);
}

ScenarioRun PrivescPassroleLambda(Builder& b) {
    const World& w = b.world();
    const Account& a = w.accounts[0];
    std::string ip = b.AttackerIp();
    std::string region = Primary(w);
    Identity dev = b.User(0, "ci-lambda-deployer");
    std::string fn = "maint-" + b.rng().Chars(6, kHexLower);
    b.Step("role discovery", "discovery", "T1087.004");
    b.Ct(0, dev, "ListRoles", region, ip, ua::kPacu, {}, CallOutcome::AccessDenied);
    b.Wait(2, 10);
    b.Ct(0, dev, "GetRole", region, ip, ua::kPacu, {{"role", "ops-admin-role"}});
    b.Wait(2, 10);
    b.Ct(0, dev, "ListFunctions20150331", region, ip, ua::kPacu);
    b.Wait(30, 120);
    b.Step("function created with an admin role (iam:PassRole)", "privilege-escalation",
           "T1098.003");
    b.Ct(0, dev, "CreateFunction20150331", region, ip, ua::kPacu,
         {{"fn", fn}, {"role", "ops-admin-role"}});
    b.Wait(5, 30);
    b.Step("function invoked", "execution", "T1648");
    b.Ct(0, dev, "Invoke", region, ip, ua::kPacu, {{"fn", fn}});
    b.Wait(1, 3);
    Principal admin;
    admin.kind = PrincipalKind::Lambda;
    admin.name = "ops-admin-role";
    admin.id = AwsId(b.rng(), "AROA", 21);
    Identity lambda = SessionIdentity(w, a, admin, b.now(), fn);
    b.Step("function attaches AdministratorAccess to the attacker's user", "privilege-escalation",
           "T1098.003");
    b.Ct(0, lambda, "AttachUserPolicy", region, "3.80." + std::to_string(b.rng().Range(1, 250)) + ".17",
         ua::kLambdaBoto, {{"user", "ci-lambda-deployer"}});
    b.Wait(60, 300);
    b.Step("function code replaced for persistence", "persistence", "T1648");
    b.Ct(0, dev, "UpdateFunctionCode20150331v2", region, ip, ua::kPacu,
         {{"fn", fn}, {"role", "ops-admin-role"}});
    std::string brief = "IAM Access Analyzer flagged that user ci-lambda-deployer in " + a.id +
                        " now has AdministratorAccess. Nobody approved it.\n";
    std::string answer = "**What happened.** From " + ip + " (Pacu), ci-lambda-deployer (key " +
                         dev.access_key_id + ") created Lambda function `" + fn +
                         "` with role ops-admin-role (iam:PassRole on *), invoked it, and the "
                         "function attached AdministratorAccess to ci-lambda-deployer; the code "
                         "was later replaced.\n\n**Impact.** Privilege escalation to admin.\n\n"
                         "**Cause.** iam:PassRole without a resource restriction.\n\n"
                         "**Countermeasures.** Detach the policy, delete the function, disable "
                         "the key, scope iam:PassRole to specific roles with iam:PassedToService.\n";
    return b.Finish(brief, answer);
}

ScenarioRun SnapshotExfil(Builder& b) {
    const World& w = b.world();
    int acct = w.accounts.size() > 1 ? 1 : 0;
    const Account& a = w.accounts[size_t(acct)];
    std::string ip = b.AttackerIp();
    std::string region = Primary(w);
    std::string foreign = "4" + b.rng().Chars(11, "0123456789");
    Identity dr = b.User(acct, "dr-automation");
    b.Step("snapshot and image discovery", "discovery", "T1580");
    b.Ct(acct, dr, "DescribeSnapshots", region, ip, ua::kAttackerBoto);
    b.Wait(2, 10);
    b.Ct(acct, dr, "DescribeImages", region, ip, ua::kAttackerBoto);
    b.Wait(2, 10);
    b.Ct(acct, dr, "DescribeDBInstances", region, ip, ua::kAttackerBoto);
    b.Wait(60, 300);
    b.Step("EBS snapshots shared with a foreign account", "exfiltration", "T1537");
    for (int i = 0; i < 3; ++i) {
        b.Ct(acct, dr, "ModifySnapshotAttribute", region, ip, ua::kAttackerBoto,
             {{"foreign", foreign}});
        b.Wait(5, 30);
    }
    b.Step("AMI shared with a foreign account", "exfiltration", "T1537");
    b.Ct(acct, dr, "ModifyImageAttribute", region, ip, ua::kAttackerBoto, {{"foreign", foreign}});
    b.Wait(5, 30);
    b.Step("RDS snapshot shared with a foreign account", "exfiltration", "T1537");
    b.Ct(acct, dr, "ModifyDBSnapshotAttribute", region, ip, ua::kAttackerBoto,
         {{"foreign", foreign}, {"dbsnap", a.name + "-db-snapshot-7"}},
         CallOutcome::AccessDenied);
    b.Wait(5, 30);
    b.Ct(acct, dr, "ModifyDBSnapshotAttribute", region, ip, ua::kAttackerBoto,
         {{"foreign", foreign}, {"dbsnap", a.name + "-db-manual-2024"}});
    std::string brief = "A partner asked why account " + foreign + " can see snapshots of "
                        "account " + a.id + " (\"" + a.name + "\").\n";
    std::string answer = "**What happened.** IAM user dr-automation (key " + dr.access_key_id +
                         ") was used from " + ip +
                         " to share EBS snapshots, an AMI and an RDS snapshot with foreign "
                         "account " + foreign + ".\n\n**Impact.** Disk and database copies "
                         "outside the organization.\n\n**Cause.** Over-privileged automation "
                         "user with a long-lived key.\n\n**Countermeasures.** Remove the "
                         "permissions, rotate data exposed in the snapshots, enable EBS "
                         "snapshot block public access, SCP denying sharing outside the org.\n";
    return b.Finish(brief, answer);
}

ScenarioRun SecretsHarvest(Builder& b) {
    const World& w = b.world();
    const Account& a = w.accounts[0];
    std::string ip = b.AttackerIp();
    std::string region = Primary(w);
    Identity ci = b.RoleSession(0, "github-actions-deploy", "GitHubActions");
    b.Step("secret discovery", "discovery", "T1526");
    b.Ct(0, ci, "ListSecrets", region, ip, ua::kAttackerBoto);
    b.Wait(10, 60);
    b.Step("secrets read", "credential-access", "T1555.006");
    for (int round = 0; round < 3; ++round)
        for (const auto& s : a.secrets) {
            b.Ct(0, ci, "GetSecretValue", region, ip, ua::kAttackerBoto, {{"sec", s}},
                 s == a.secrets[2] ? CallOutcome::AccessDenied : CallOutcome::Success);
            b.Wait(0.5, 4);
        }
    b.Wait(30, 120);
    b.Step("SSM parameters read with decryption", "credential-access", "T1552.001");
    b.Ct(0, ci, "GetParametersByPath", region, ip, ua::kAttackerBoto);
    for (const auto& p : a.parameters) {
        b.Wait(0.5, 4);
        b.Ct(0, ci, "GetParameters", region, ip, ua::kAttackerBoto, {{"p", p}});
    }
    std::string brief = "Stripe reported API calls with prod's key from an unknown IP. Check "
                        "who read secrets in " + a.id + ".\n";
    std::string answer = "**What happened.** The CI role session (" + ci.access_key_id +
                         ") was used from " + ip + " to list secrets and read every Secrets "
                         "Manager secret (one denied) and all SSM parameters with decryption.\n\n"
                         "**Impact.** Database, Stripe, JWT and SMTP credentials exposed.\n\n"
                         "**Cause.** CI role allowed secretsmanager:GetSecretValue on *.\n\n"
                         "**Countermeasures.** Rotate every secret read, restrict the role, "
                         "pin the OIDC trust, resource policies on secrets.\n";
    return b.Finish(brief, answer);
}

ScenarioRun Llmjacking(Builder& b) {
    const World& w = b.world();
    int acct = w.accounts.size() > 1 ? 1 : 0;
    const Account& a = w.accounts[size_t(acct)];
    std::string ip = b.AttackerIp();
    Identity key = b.User(acct, "ml-dev");
    std::string r1 = "us-east-1", r2 = "us-west-2";
    const char* models[] = {"anthropic.claude-3-sonnet-20240229-v1:0",
                            "anthropic.claude-3-haiku-20240307-v1:0",
                            "anthropic.claude-v2:1"};
    b.Step("stolen key validated", "initial-access", "T1078.004");
    b.Ct(acct, key, "GetCallerIdentity", r1, ip, ua::kAttackerBoto);
    b.Wait(5, 30);
    b.Step("model availability discovery", "discovery", "T1580");
    b.Ct(acct, key, "ListFoundationModels", r1, ip, ua::kAttackerBoto);
    for (const char* m : models) {
        b.Wait(1, 5);
        b.Ct(acct, key, "GetFoundationModelAvailability", r1, ip, ua::kAttackerBoto,
             {{"model", m}});
    }
    b.Wait(5, 30);
    b.Ct(acct, key, "InvokeModel", r1, ip, ua::kAttackerBoto, {{"model", models[0]}},
         CallOutcome::AccessDenied);
    b.Wait(30, 120);
    b.Step("model access enabled", "impact", "T1496.004");
    b.Ct(acct, key, "PutUseCaseForModelAccess", r1, ip, ua::kAttackerBoto);
    b.Wait(120, 400);
    b.Step("models invoked for resale", "impact", "T1496.004");
    int n = int(b.rng().Range(20, 35));
    for (int i = 0; i < n; ++i) {
        b.Ct(acct, key, "InvokeModel", i % 3 ? r1 : r2, ip, ua::kAttackerBoto,
             {{"model", models[i % 2]},
              {"in", std::to_string(b.rng().Range(800, 9000))},
              {"out", std::to_string(b.rng().Range(200, 4000))}});
        b.Wait(5, 60);
    }
    std::string brief = "Bedrock costs in account " + a.id + " (\"" + a.name +
                        "\") jumped although the team does not use Bedrock.\n";
    std::string answer = "**What happened.** IAM user ml-dev's key " + key.access_key_id +
                         " was used from " + ip + " to check model availability, submit the "
                         "Anthropic use-case form and invoke Claude models in " + r1 + " and " +
                         r2 + " (LLMjacking).\n\n**Impact.** Model spend; possible abuse "
                         "content generated under the account.\n\n**Cause.** Leaked long-lived "
                         "key with bedrock:*.\n\n**Countermeasures.** Disable the key, SCP "
                         "denying Bedrock where unused, model-invocation logging, budgets.\n";
    return b.Finish(brief, answer);
}

struct ScenarioDef {
    const char* name;
    TimeMs span;
    ScenarioRun (*run)(Builder&);
};

const ScenarioDef kScenarios[] = {
    {"webapp-coinminer", 4 * kHour, WebappCoinminer},
    {"leaked-key-s3-exfil", 1 * kHour, LeakedKeyS3Exfil},
    {"s3-ransomware", 30 * kMin, S3Ransomware},
    {"console-bruteforce-root", 40 * kMin, ConsoleBruteforceRoot},
    {"logging-tamper", 30 * kMin, LoggingTamper},
    {"privesc-passrole-lambda", 30 * kMin, PrivescPassroleLambda},
    {"snapshot-exfil", 30 * kMin, SnapshotExfil},
    {"secrets-harvest", 30 * kMin, SecretsHarvest},
    {"llmjacking", 1 * kHour, Llmjacking},
};

} // namespace

std::string_view SourceName(Source s) {
    switch (s) {
    case Source::CloudTrail: return "cloudtrail";
    case Source::VpcFlow: return "vpcflow";
    case Source::Alb: return "alb";
    case Source::Resolver: return "route53resolver";
    case Source::Nginx: return "nginx";
    case Source::AuthLog: return "syslog";
    }
    return "unknown";
}

const std::vector<std::string>& ScenarioNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& d : kScenarios) v.push_back(d.name);
        return v;
    }();
    return names;
}

TimeMs ScenarioSpan(std::string_view name) {
    for (const auto& d : kScenarios)
        if (name == d.name) return d.span;
    return 0;
}

ScenarioRun RunScenario(std::string_view name, const World& w, TimeMs t0, uint64_t seed) {
    for (const auto& d : kScenarios)
        if (name == d.name) {
            Builder b(w, name, t0, seed);
            return d.run(b);
        }
    throw std::invalid_argument("unknown scenario " + std::string(name));
}

} // namespace cloudsift::sim
