#include "sim/text_logs.h"

#include <charconv>

#include "common/sanitize.h"
#include "sim/timefmt.h"

namespace cloudsift::sim {
namespace {

void AppendInt(std::string& out, uint64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void Append2(std::string& out, int v) { AppendDigits(out, unsigned(v), 2); }

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void AppendIsoMicros(std::string& out, TimeMs t, int micros_extra) {
    Civil c = ToCivil(t);
    AppendInt(out, uint64_t(c.y));
    out += '-';
    Append2(out, c.m);
    out += '-';
    Append2(out, c.d);
    out += 'T';
    Append2(out, c.hh);
    out += ':';
    Append2(out, c.mm);
    out += ':';
    Append2(out, c.ss);
    out += '.';
    AppendDigits(out, unsigned(c.ms * 1000 + micros_extra % 1000), 6);
    out += 'Z';
}

std::string RandomPublicIp(Rng& rng) {
    static const int kFirst[] = {24, 31, 37, 46, 62, 73, 77, 86, 92, 98, 109, 151, 176, 188, 213};
    return std::to_string(rng.Pick(kFirst)) + "." + std::to_string(rng.Range(1, 254)) + "." +
           std::to_string(rng.Range(0, 255)) + "." + std::to_string(rng.Range(1, 254));
}

const char* kBrowsers[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.6261.64 Mobile Safari/537.36"};
const char* kScannerUas[] = {"Mozilla/5.0 zgrab/0.x", "Go-http-client/1.1",
                             "python-requests/2.31.0",
                             "Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)",
                             "curl/7.88.1"};
const char* kPages[] = {"/", "/index.php", "/products.php?id=", "/cart.php", "/login.php",
                        "/static/css/app.css", "/static/js/app.js", "/images/p/", "/api/v1/orders",
                        "/search.php?q=shoes", "/account.php", "/favicon.ico"};
const char* kScanPaths[] = {"/wp-login.php", "/.env", "/.git/config", "/phpmyadmin/",
                            "/cgi-bin/luci/;stok=/locale", "/admin/", "/server-status",
                            "/actuator/health", "/.aws/credentials", "/config.php.bak"};

} // namespace

void AppendFlowLine(std::string& out, std::string_view account, const Flow& f) {
    out += "2 ";
    out += account;
    out += ' ';
    out += f.eni;
    out += ' ';
    out += f.src;
    out += ' ';
    out += f.dst;
    out += ' ';
    AppendInt(out, uint64_t(f.sport));
    out += ' ';
    AppendInt(out, uint64_t(f.dport));
    out += ' ';
    AppendInt(out, uint64_t(f.proto));
    out += ' ';
    AppendInt(out, f.packets);
    out += ' ';
    AppendInt(out, f.bytes);
    out += ' ';
    AppendInt(out, uint64_t(f.start / 1000));
    out += ' ';
    AppendInt(out, uint64_t(f.start / 1000 + 60));
    out += f.accept ? " ACCEPT OK\n" : " REJECT OK\n";
}

void AppendAlbLine(std::string& out, Rng& rng, const World& w, const Account& a,
                   const WebRequest& r) {
    const std::string& region = w.regions.front();
    out += "https ";
    AppendIsoMicros(out, r.time + 20, int(rng.Below(1000)));
    out += ' ';
    out += w.alb_name;
    out += ' ';
    out += r.client_ip;
    out += ':';
    AppendInt(out, uint64_t(r.client_port));
    out += ' ';
    out += r.target_ip;
    out += ":80 0.001 0.0";
    AppendInt(out, 10 + rng.Below(80));
    out += " 0.000 ";
    AppendInt(out, uint64_t(r.status));
    out += ' ';
    AppendInt(out, uint64_t(r.status));
    out += ' ';
    AppendInt(out, r.received);
    out += ' ';
    AppendInt(out, r.bytes + 240);
    out += " \"";
    out += r.method;
    out += " https://shop.acme-retail.com:443";
    out += r.path;
    out += " HTTP/1.1\" ";
    AppendJsonString(out, r.user_agent);
    out += " ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:";
    out += region;
    out += ':';
    out += a.id;
    out += ":targetgroup/web-prod/";
    out += w.alb_name.substr(w.alb_name.size() - 16);
    out += " \"Root=1-";
    rng.AppendChars(out, 8, kHexLower);
    out += '-';
    rng.AppendChars(out, 24, kHexLower);
    out += "\" \"shop.acme-retail.com\" \"arn:aws:acm:";
    out += region;
    out += ':';
    out += a.id;
    out += ":certificate/";
    out += a.kms_key; // a stable UUID per account
    out += "\" 0 ";
    AppendIsoMicros(out, r.time, 0);
    out += " \"forward\" \"-\" \"-\" \"";
    out += r.target_ip;
    out += ":80\" \"";
    AppendInt(out, uint64_t(r.status));
    out += "\" \"-\" \"-\" TID_";
    rng.AppendChars(out, 32, kHexLower);
    out += '\n';
}

void AppendNginxLine(std::string& out, const WebRequest& r) {
    Civil c = ToCivil(r.time);
    out += r.client_ip;
    out += " - - [";
    Append2(out, c.d);
    out += '/';
    out += kMonths[c.m - 1];
    out += '/';
    AppendInt(out, uint64_t(c.y));
    out += ':';
    Append2(out, c.hh);
    out += ':';
    Append2(out, c.mm);
    out += ':';
    Append2(out, c.ss);
    out += " +0000] \"";
    out += r.method;
    out += ' ';
    out += r.path;
    out += " HTTP/1.1\" ";
    AppendInt(out, uint64_t(r.status));
    out += ' ';
    AppendInt(out, r.bytes);
    out += " \"";
    out += r.referer;
    out += "\" \"";
    out += r.user_agent;
    out += "\"\n";
}

void AppendDnsLine(std::string& out, const World& w, const Account& a, TimeMs t,
                   std::string_view src_ip, std::string_view instance, std::string_view qname,
                   std::string_view qtype, std::string_view rcode, std::string_view answer,
                   int srcport) {
    out += "{\"version\":\"1.100000\",\"account_id\":\"";
    out += a.id;
    out += "\",\"region\":\"";
    out += w.regions.front();
    out += "\",\"vpc_id\":\"";
    out += a.vpc_id;
    out += "\",\"query_timestamp\":\"";
    AppendIsoSeconds(out, t);
    out += "\",\"query_name\":";
    AppendJsonString(out, qname);
    out += ",\"query_type\":\"";
    out += qtype;
    out += "\",\"query_class\":\"IN\",\"rcode\":\"";
    out += rcode;
    out += "\",\"answers\":[";
    if (!answer.empty()) {
        out += "{\"Rdata\":\"";
        out += answer;
        out += "\",\"Type\":\"";
        out += qtype;
        out += "\",\"Class\":\"IN\"}";
    }
    out += "],\"srcaddr\":\"";
    out += src_ip;
    out += "\",\"srcport\":\"";
    AppendInt(out, uint64_t(srcport));
    out += "\",\"transport\":\"UDP\",\"srcids\":{\"instance\":\"";
    out += instance;
    out += "\"}}\n";
}

void AppendSyslogLine(std::string& out, TimeMs t, std::string_view host, std::string_view prog,
                      int pid, std::string_view message) {
    Civil c = ToCivil(t);
    out += kMonths[c.m - 1];
    out += ' ';
    if (c.d < 10) out += ' ';
    AppendInt(out, uint64_t(c.d));
    out += ' ';
    Append2(out, c.hh);
    out += ':';
    Append2(out, c.mm);
    out += ':';
    Append2(out, c.ss);
    out += ' ';
    out += host;
    out += ' ';
    out += prog;
    if (pid > 0) {
        out += '[';
        AppendInt(out, uint64_t(pid));
        out += ']';
    }
    out += ": ";
    out += message;
    out += '\n';
}

std::string SyslogHost(const Host& h) {
    std::string s = "ip-" + h.private_ip;
    for (char& c : s)
        if (c == '.') c = '-';
    return s;
}

std::string HostEni(const Host& h) { return "eni-" + h.instance_id.substr(2); }

int NextFlow(Rng& rng, const World& w, TimeMs t, std::string& out) {
    int acct = rng.Chance(0.7) ? 0 : 1;
    if (w.accounts.size() < 2) acct = 0;
    const Account& a = w.accounts[size_t(acct)];
    const Host& h = a.hosts[rng.Below(a.hosts.size())];
    std::string eni = HostEni(h);
    Flow f;
    f.eni = eni;
    f.start = t;
    uint64_t kind = rng.Below(100);
    std::string other;
    if (kind < 35 && h.name.rfind("web", 0) == 0) { // ALB → web:80
        f.src = w.alb_ip;
        f.dst = h.private_ip;
        f.sport = int(rng.Range(1024, 65535));
        f.dport = 80;
        f.packets = rng.Range(4, 40);
        f.bytes = f.packets * rng.Range(200, 1400);
    } else if (kind < 55) { // app → database
        f.src = h.private_ip;
        f.dst = w.db_ip;
        f.sport = int(rng.Range(32768, 60999));
        f.dport = 5432;
        f.packets = rng.Range(6, 120);
        f.bytes = f.packets * rng.Range(90, 900);
    } else if (kind < 80) { // egress HTTPS to AWS APIs and SaaS
        other = "52.216." + std::to_string(rng.Range(0, 255)) + "." +
                std::to_string(rng.Range(1, 254));
        f.src = h.private_ip;
        f.dst = other;
        f.sport = int(rng.Range(32768, 60999));
        f.dport = 443;
        f.packets = rng.Range(8, 400);
        f.bytes = f.packets * rng.Range(120, 1400);
    } else if (kind < 88) { // NTP
        f.src = h.private_ip;
        f.dst = "169.254.169.123";
        f.sport = 123;
        f.dport = 123;
        f.proto = 17;
        f.packets = 1;
        f.bytes = 76;
    } else { // internet noise hitting the public interface, rejected
        other = RandomPublicIp(rng);
        f.src = other;
        f.dst = h.private_ip;
        f.sport = int(rng.Range(1024, 65535));
        static const int kPorts[] = {22, 23, 445, 3389, 8080, 6379, 5900, 2375};
        f.dport = rng.Pick(kPorts);
        f.packets = 1;
        f.bytes = 44;
        f.accept = false;
    }
    AppendFlowLine(out, a.id, f);
    return acct;
}

int NextDns(Rng& rng, const World& w, TimeMs t, std::string& out) {
    int acct = rng.Chance(0.7) ? 0 : 1;
    if (w.accounts.size() < 2) acct = 0;
    const Account& a = w.accounts[size_t(acct)];
    const Host& h = a.hosts[rng.Below(a.hosts.size())];
    const std::string& r = w.regions.front();
    std::string names[] = {a.buckets[0] + ".s3." + r + ".amazonaws.com.",
                           "sts." + r + ".amazonaws.com.",
                           "ssm." + r + ".amazonaws.com.",
                           "ec2messages." + r + ".amazonaws.com.",
                           "api.stripe.com.",
                           "db.internal.acme.",
                           "secretsmanager." + r + ".amazonaws.com.",
                           "repo." + r + ".amazonaws.com.",
                           "packages.sury.org.",
                           "logs." + r + ".amazonaws.com."};
    const std::string& q = names[rng.Below(10)];
    std::string ans = q == "db.internal.acme." ? w.db_ip
                                               : "52.216." + std::to_string(rng.Range(0, 255)) +
                                                     "." + std::to_string(rng.Range(1, 254));
    bool nx = rng.Chance(0.01);
    AppendDnsLine(out, w, a, t, h.private_ip, h.instance_id, q, "A", nx ? "NXDOMAIN" : "NOERROR",
                  nx ? "" : ans, int(rng.Range(32768, 60999)));
    return acct;
}

int NextWeb(Rng& rng, const World& w, TimeMs t, std::string& alb, std::string& nginx) {
    const Account& a = w.accounts[0];
    int host = int(rng.Below(2));
    WebRequest r;
    r.time = t;
    std::string ip = RandomPublicIp(rng);
    r.client_ip = ip;
    r.client_port = int(rng.Range(1024, 65535));
    r.target_ip = a.hosts[size_t(host)].private_ip;
    if (rng.Chance(0.06)) { // scanners
        r.path = rng.Pick(kScanPaths);
        r.status = 404;
        r.bytes = 153;
        r.user_agent = rng.Pick(kScannerUas);
    } else {
        r.path = rng.Pick(kPages);
        if (r.path.back() == '=' || r.path.back() == '/') r.path += std::to_string(rng.Range(1, 999));
        if (r.path == "/api/v1/orders" && rng.Chance(0.5)) r.method = "POST";
        r.status = rng.Chance(0.02) ? 500 : (rng.Chance(0.05) ? 302 : 200);
        r.bytes = rng.Range(200, 60000);
        r.user_agent = rng.Pick(kBrowsers);
        r.referer = "https://shop.acme-retail.com/";
    }
    AppendAlbLine(alb, rng, w, a, r);
    AppendNginxLine(nginx, r);
    return host;
}

int NextAuth(Rng& rng, const World& w, TimeMs t, std::string& out) {
    const Account& a = w.accounts[0];
    int host = int(rng.Below(3));
    const Host& h = a.hosts[size_t(host)];
    std::string hn = SyslogHost(h);
    int pid = int(rng.Range(1000, 65000));
    uint64_t k = rng.Below(100);
    if (k < 40) {
        AppendSyslogLine(out, t, hn, "CRON", pid,
                         "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)");
    } else if (k < 55 && host == 2) {
        AppendSyslogLine(out, t, hn, "sshd", pid,
                         "Accepted publickey for ec2-user from " + w.office_ips[0] + " port " +
                             std::to_string(rng.Range(40000, 65000)) +
                             " ssh2: ED25519 SHA256:q3Zt5n8f2V7mXhQ0bK1yLr9wP4sA6dE8uJcTgHvNiOo");
    } else if (k < 65) {
        AppendSyslogLine(out, t, hn, "sudo", 0,
                         "ec2-user : TTY=pts/0 ; PWD=/home/ec2-user ; USER=root ; "
                         "COMMAND=/usr/bin/systemctl status nginx");
    } else if (k < 85 && host == 2) {
        static const char* kUsers[] = {"admin", "test", "oracle", "ubuntu", "user", "postgres"};
        AppendSyslogLine(out, t, hn, "sshd", pid,
                         std::string("Invalid user ") + rng.Pick(kUsers) + " from " +
                             RandomPublicIp(rng) + " port " +
                             std::to_string(rng.Range(1024, 65000)));
    } else {
        AppendSyslogLine(out, t, hn, "CRON", pid,
                         "pam_unix(cron:session): session closed for user root");
    }
    return host;
}

} // namespace cloudsift::sim
