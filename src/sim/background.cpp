#include "sim/background.h"

#include <algorithm>

namespace cloudsift::sim {
namespace {

using K = PrincipalKind;

struct MixEntry {
    const char* name;
    double weight;
};

std::vector<MixEntry> MixEntries(K k) {
    switch (k) {
    case K::Ci:
        return {{"GetCallerIdentity", 5}, {"GetAuthorizationToken", 10}, {"PutObject", 12},
                {"GetObject", 6},         {"UpdateFunctionCode20150331v2", 2},
                {"GetFunction20150331v2", 5}, {"DescribeStacks", 10}, {"DescribeInstances", 4},
                {"DescribeTargetHealth", 5}, {"ListObjects", 5}, {"AssumeRole", 2}};
    case K::Terraform:
        return {{"DescribeInstances", 10}, {"DescribeSecurityGroups", 10}, {"DescribeVpcs", 6},
                {"DescribeSubnets", 6},    {"DescribeVolumes", 4},  {"DescribeNetworkInterfaces", 4},
                {"DescribeImages", 3},     {"DescribeTags", 4},     {"GetRole", 8},
                {"GetPolicy", 5},          {"GetPolicyVersion", 5}, {"ListAttachedRolePolicies", 5},
                {"ListRolePolicies", 5},   {"GetBucketPolicy", 4},  {"GetBucketAcl", 4},
                {"GetBucketVersioning", 4}, {"GetBucketTagging", 3}, {"DescribeKey", 3},
                {"DescribeDBInstances", 3}, {"GetFunction20150331v2", 3}, {"CreateTags", 0.6},
                {"AuthorizeSecurityGroupIngress", 0.15}, {"RunInstances", 0.1},
                {"DescribeTrails", 0.5}, {"GetCallerIdentity", 2}};
    case K::Ec2Role:
        return {{"GetObject", 30},        {"PutObject", 10},      {"Decrypt", 10},
                {"UpdateInstanceInformation", 12}, {"GetSecretValue", 2}, {"GetParameters", 3},
                {"DescribeTags", 2},      {"GetCallerIdentity", 0.5}};
    case K::Lambda:
        return {{"GetObject", 20},      {"PutObject", 15},      {"Decrypt", 10},
                {"GenerateDataKey", 5}, {"CreateLogStream", 5}, {"GetSecretValue", 4},
                {"GetParameter", 5}};
    case K::SsoAdmin:
        return {{"DescribeInstances", 8}, {"DescribeSecurityGroups", 3}, {"DescribeAlarms", 5},
                {"ListRoles", 3},         {"ListUsers", 2},         {"GetAccountSummary", 2},
                {"ListBuckets", 4},       {"GetBucketLocation", 4}, {"GetCostAndUsage", 2},
                {"ListFunctions20150331", 3}, {"DescribeDBInstances", 2}, {"ListSecrets", 1},
                {"DescribeRegions", 2},   {"DescribeTrails", 1},    {"ListDetectors", 1},
                {"ConsoleLogin", 0.6}};
    case K::IamUser:
        return {{"PutObject", 40}, {"ListObjects", 10}, {"GetBucketLocation", 5},
                {"GetCallerIdentity", 1}};
    case K::ConfigRole:
        return {{"DescribeInstances", 5}, {"DescribeSecurityGroups", 5}, {"DescribeVolumes", 3},
                {"DescribeNetworkInterfaces", 3}, {"DescribeVpcs", 2}, {"DescribeSubnets", 2},
                {"GetRole", 3}, {"ListAttachedRolePolicies", 2}, {"GetBucketAcl", 2},
                {"GetBucketPolicy", 2}, {"GetBucketVersioning", 2}};
    case K::AwsService: return {{"AssumeRole", 1}};
    }
    return {};
}

std::vector<double> Cumulative(const std::vector<double>& weights) {
    std::vector<double> c;
    double sum = 0;
    for (double w : weights) c.push_back(sum += w);
    return c;
}

const char* kLambdaPrefixes[] = {"3.80.", "34.229.", "52.91.", "18.206.", "44.201."};

} // namespace

size_t DrawCumulative(Rng& rng, const std::vector<double>& cumulative) {
    double x = rng.Uniform() * cumulative.back();
    size_t i = size_t(std::upper_bound(cumulative.begin(), cumulative.end(), x) -
                      cumulative.begin());
    return std::min(i, cumulative.size() - 1);
}

const Api* CtBackground::Mix::Draw(Rng& rng) const { return apis[DrawCumulative(rng, cumulative)]; }

CtBackground::CtBackground(const World& w) : w_(w) {
    for (int k = 0; k <= int(K::AwsService); ++k) {
        Mix m;
        std::vector<double> weights;
        for (auto& e : MixEntries(K(k))) {
            m.apis.push_back(&FindApi(e.name));
            weights.push_back(e.weight);
        }
        m.cumulative = Cumulative(weights);
        mixes_.push_back(std::move(m));
    }
    std::vector<double> aw;
    for (size_t i = 0; i < w.accounts.size(); ++i)
        aw.push_back(i == 0 ? 50 : i == 1 ? 25 : i == 2 ? 10 : 15.0 / double(w.accounts.size()));
    account_cum_ = Cumulative(aw);
    for (auto& a : w.accounts) {
        std::vector<double> pw;
        for (auto& p : a.principals) pw.push_back(p.weight);
        principal_cum_.push_back(Cumulative(pw));
    }
}

const Identity& CtBackground::CachedIdentity(int account, const Principal& p, TimeMs t,
                                             const std::string& session) {
    TimeMs hour = t - t % 3600000;
    if (hour != cache_hour_) {
        id_cache_.clear();
        cache_hour_ = hour;
    }
    auto key = std::make_pair(&p, session);
    auto it = id_cache_.find(key);
    if (it == id_cache_.end())
        it = id_cache_.emplace(key, SessionIdentity(w_, w_.accounts[size_t(account)], p, t, session))
                 .first;
    return it->second;
}

void CtBackground::Next(Rng& rng, TimeMs t, std::string& out, int& account, std::string& region) {
    account = int(DrawCumulative(rng, account_cum_));
    const Account& a = w_.accounts[size_t(account)];
    const Principal& p = a.principals[DrawCumulative(rng, principal_cum_[size_t(account)])];
    const Api* api = MixFor(p.kind).Draw(rng);
    const std::string& primary = w_.regions.front();
    region = (rng.Chance(0.75) || w_.regions.size() == 1)
                 ? primary
                 : w_.regions[1 + rng.Below(w_.regions.size() - 1)];
    if (api->global) region = "us-east-1";
    spec_.api = api;
    spec_.time = t;
    spec_.region = region;
    // Authorization failures in a working account are sticky misconfigurations — a principal
    // denied on the same call every time (a missing permission in its policy) — plus people
    // opening console pages their role cannot read; a working workload is not denied at random
    // across the APIs it uses.
    double draw = rng.Uniform();
    bool denied = false;
    if (p.kind == K::SsoAdmin) {
        denied = draw < 0.01;
    } else {
        uint64_t h = DeriveSeed(w_.seed, {LabelHash(a.id), LabelHash(p.name), LabelHash("deny")});
        const Mix& mix = MixFor(p.kind);
        bool misconfigured = h % 100 < 30;
        const Api* broken = mix.apis[(h / 100) % mix.apis.size()];
        denied = misconfigured && api == broken && draw < 0.9;
    }
    spec_.outcome = denied ? CallOutcome::AccessDenied : CallOutcome::Success;
    spec_.console = false;
    spec_.tls = true;
    spec_.vars.clear();
    std::string session = p.session;
    switch (p.kind) {
    case K::Ci:
    case K::Terraform:
        spec_.source_ip = rng.PickOf(w_.ci_ips);
        spec_.user_agent = p.kind == K::Ci ? ua::kCliCi : ua::kTerraform;
        if (p.kind == K::Terraform)
            session = "terraform-" + std::to_string(t / 3600000 % 100000);
        break;
    case K::Ec2Role: {
        const Host& h = a.hosts[size_t(p.host)];
        spec_.source_ip = h.public_ip;
        bool agent = std::string_view(api->name) == "UpdateInstanceInformation";
        spec_.user_agent = agent ? ua::kSsmAgent : ua::kPhpSdk;
        spec_.vars = {{"i", h.instance_id}, {"ip", h.private_ip}};
        // Instance roles of the prod web tier only reach the app's own buckets.
        spec_.vars.emplace_back("b", a.buckets[rng.Below(2)]);
        break;
    }
    case K::Lambda:
        spec_.source_ip = std::string(rng.Pick(kLambdaPrefixes)) +
                          std::to_string(rng.Range(0, 255)) + "." +
                          std::to_string(rng.Range(1, 254));
        spec_.user_agent = ua::kLambdaBoto;
        spec_.vars = {{"fn", p.session}};
        break;
    case K::SsoAdmin: {
        session = w_.sso_users[rng.Below(w_.sso_users.size())];
        bool internal = rng.Chance(0.2);
        spec_.source_ip = internal ? "AWS Internal" : w_.office_ips[rng.Below(2)];
        spec_.user_agent = internal ? "AWS Internal" : ua::kBrowser;
        spec_.console = true;
        spec_.tls = !internal;
        spec_.vars = {{"mfa", "No"}};
        break;
    }
    case K::IamUser:
        spec_.source_ip = w_.office_ips.back();
        spec_.user_agent = ua::kOldCli;
        spec_.vars = {{"b", a.buckets[2]}, {"k", "nightly/db-" + FormatIsoTime(t).substr(0, 10) +
                                                     "-" + std::to_string(rng.Below(64)) +
                                                     ".sql.gz"}};
        break;
    case K::ConfigRole:
        spec_.source_ip = "config.amazonaws.com";
        spec_.user_agent = "config.amazonaws.com";
        spec_.tls = false;
        break;
    case K::AwsService: {
        bool lambda = rng.Chance(0.4) || a.hosts.empty();
        std::string svc = lambda ? "lambda.amazonaws.com" : "ec2.amazonaws.com";
        spec_.source_ip = svc;
        spec_.user_agent = svc;
        spec_.tls = false;
        spec_.outcome = CallOutcome::Success;
        if (lambda) {
            const std::string& fn = rng.PickOf(a.functions);
            spec_.vars = {{"role", fn + "-role"}, {"sess", fn}};
        } else {
            const Host& h = a.hosts[rng.Below(a.hosts.size())];
            spec_.vars = {{"role", h.role.empty() ? "batch-worker-role" : h.role},
                          {"sess", h.instance_id}};
        }
        Identity id;
        id.type = IdentityType::AWSService;
        id.invoked_by = svc;
        spec_.identity = &id;
        BuildCall(rng, w_, a, spec_, ev_);
        AppendCtEvent(out, ev_);
        return;
    }
    }
    const Identity& cached = CachedIdentity(account, p, t, session);
    const Identity* idp = &cached;
    Identity signin;
    if (p.kind == K::SsoAdmin && std::string_view(api->name) == "ConsoleLogin") {
        signin = cached;
        signin.access_key_id.clear();
        idp = &signin;
        spec_.outcome = CallOutcome::Success;
        spec_.source_ip = w_.office_ips[0];
        spec_.user_agent = ua::kBrowser;
    }
    spec_.identity = idp;
    BuildCall(rng, w_, a, spec_, ev_);
    AppendCtEvent(out, ev_);
}

} // namespace cloudsift::sim
