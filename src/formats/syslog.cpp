#include "formats/syslog.h"

#include "common/strings.h"
#include "formats/format_base.h"
#include "formats/text_util.h"

namespace cloudsift {
namespace {

using namespace formats;

constexpr std::string_view kFacilities[] = {
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
    "authpriv", "ftp", "ntp", "security", "console", "solaris-cron", "local0", "local1",
    "local2", "local3", "local4", "local5", "local6", "local7"};
constexpr std::string_view kSeverities[] = {"emerg", "alert", "crit", "err",
                                            "warning", "notice", "info", "debug"};

bool IsAuthProgram(std::string_view app) {
    return app == "sshd" || app == "sudo" || app == "su" || app == "login" ||
           app == "systemd-logind" || app == "passwd" || app == "useradd" || app == "usermod" ||
           app == "groupadd" || app == "chpasswd" || app == "polkitd" || app == "sshd-session";
}

// Text between prefix and the next space, after prefix's first occurrence.
std::string_view After(std::string_view s, std::string_view prefix) {
    size_t p = s.find(prefix);
    if (p == std::string_view::npos) return {};
    std::string_view rest = s.substr(p + prefix.size());
    return rest.substr(0, rest.find(' '));
}

// "Mmm dd hh:mm:ss" at the start of s → seconds within the year (month/day/time), or false.
bool ParseBsdTime(std::string_view s, int& month, int& day, int& secs) {
    if (s.size() < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':') return false;
    month = MonthFromAbbrev(s.substr(0, 3));
    uint64_t h, m, sec, d;
    std::string_view dd = s.substr(4, 2);
    if (dd[0] == ' ') dd.remove_prefix(1);
    if (!month || !ParseUint(dd, d) || !ParseUint(s.substr(7, 2), h) ||
        !ParseUint(s.substr(10, 2), m) || !ParseUint(s.substr(13, 2), sec) || d < 1 || d > 31 ||
        h > 23 || m > 59 || sec > 60)
        return false;
    day = int(d);
    secs = int(h * 3600 + m * 60 + sec);
    return true;
}

int YearOfDays(int64_t days) {
    // Inverse of DaysFromCivil for the year only.
    int y = int(1970 + days / 366);
    while (DaysFromCivil(y + 1, 1, 1) <= days) ++y;
    return y;
}

class SyslogDecoder final : public LineDecoder {
public:
    explicit SyslogDecoder(const FileInfo& info) {
        // The latest plausible record time: the file's last write, else the current time.
        now_ = info.mtime > 0 ? info.mtime : NowMs();
        if (info.hints.day >= 0) {
            year_ = YearOfDays(info.hints.day);
            fixed_year_ = true;
        } else {
            year_ = YearOfDays(now_ / 86400000);
        }
    }

private:
    void DecodeLine(std::string_view line, uint64_t line_no, RecordFn emit,
                    DecodeReport& report) override {
        Reset();
        std::string_view rest = line;
        int pri = -1;
        if (!rest.empty() && rest[0] == '<') {
            size_t close = rest.find('>');
            uint64_t p;
            if (close == std::string_view::npos || close > 4 || !ParseUint(rest.substr(1, close - 1), p) ||
                p > 191) {
                report.Bad(line_no, "syslog.priority", line);
                return;
            }
            pri = int(p);
            rest = rest.substr(close + 1);
        }
        bool ok = false;
        if (pri >= 0 && rest.size() > 2 && rest[0] >= '1' && rest[0] <= '9' && rest[1] == ' ')
            ok = Rfc5424(rest.substr(2));
        else
            ok = Rfc3164(rest);
        if (!ok) {
            report.Bad(line_no, "syslog.not_syslog", line);
            return;
        }
        if (pri >= 0) {
            ev_.AddString("priority", line.substr(1, line.find('>') - 1));
            ev_.AddString("facility", kFacilities[pri / 8]);
            ev_.AddString("severity", kSeverities[pri % 8]);
        }
        norm_.cls = EventClass::SystemActivity;
        norm_.source_type = "syslog";
        bool auth = IsAuthProgram(app_);
        norm_.logsource = {"linux", auth ? "auth" : "syslog", {"", ""}};
        norm_.service = app_;
        if (auth) ParseAuth();
        Emit(emit, line_no);
    }

    // "<ts> <host> <app>[pid]: msg" with a BSD or ISO timestamp.
    bool Rfc3164(std::string_view s) {
        int month, day, secs;
        std::string_view ts;
        if (ParseBsdTime(s, month, day, secs)) {
            ts = s.substr(0, 15);
            int64_t t = (DaysFromCivil(year_, unsigned(month), unsigned(day)) * 86400 + secs) *
                        1000;
            if (!fixed_year_ && t > now_ + 86400000)
                t = (DaysFromCivil(year_ - 1, unsigned(month), unsigned(day)) * 86400 + secs) *
                    1000;
            norm_.time = t;
            s = s.substr(15);
        } else {
            size_t sp = s.find(' ');
            ts = s.substr(0, sp);
            auto t = ParseIsoTime(ts);
            if (!t || sp == std::string_view::npos) return false;
            norm_.time = *t;
            s = s.substr(sp);
        }
        ev_.AddString("timestamp", ts);
        while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
        size_t sp = s.find(' ');
        std::string_view host = s.substr(0, sp);
        if (host.empty()) return false;
        ev_.AddString("hostname", host);
        s = sp == std::string_view::npos ? std::string_view{} : s.substr(sp + 1);
        // tag: up to ':' or '[' within the first word.
        size_t colon = s.find(": ");
        size_t space = s.find(' ');
        app_ = {};
        std::string_view msg = s;
        if (colon != std::string_view::npos && (space == std::string_view::npos || colon < space)) {
            std::string_view tag = s.substr(0, colon);
            msg = s.substr(colon + 2);
            size_t br = tag.find('[');
            if (br != std::string_view::npos && tag.back() == ']') {
                ev_.AddString("procid", tag.substr(br + 1, tag.size() - br - 2));
                tag = tag.substr(0, br);
            }
            app_ = tag;
            ev_.AddString("appname", tag);
        }
        msg_ = msg;
        ev_.AddString("message", msg);
        return true;
    }

    bool Rfc5424(std::string_view s) {
        std::string_view parts[5];
        for (auto& p : parts) {
            size_t sp = s.find(' ');
            if (sp == std::string_view::npos) return false;
            p = s.substr(0, sp);
            s = s.substr(sp + 1);
        }
        // parts: timestamp host app procid msgid
        if (parts[0] != "-") {
            auto t = ParseIsoTime(parts[0]);
            if (!t) return false;
            norm_.time = *t;
        }
        static constexpr std::string_view kNames[] = {"timestamp", "hostname", "appname",
                                                      "procid", "msgid"};
        for (int i = 0; i < 5; ++i)
            if (parts[i] != "-") ev_.AddString(kNames[i], parts[i]);
        app_ = parts[2] == "-" ? std::string_view{} : parts[2];
        // Structured data: "-" or [..]...
        std::string_view msg;
        if (StartsWith(s, "-")) {
            msg = s.substr(1);
        } else if (StartsWith(s, "[")) {
            size_t i = 0;
            while (i < s.size() && s[i] == '[') {
                bool in_q = false;
                ++i;
                while (i < s.size()) {
                    char c = s[i];
                    if (c == '\\') ++i;
                    else if (c == '"') in_q = !in_q;
                    else if (c == ']' && !in_q) break;
                    ++i;
                }
                if (i >= s.size()) return false;
                ++i;
            }
            ev_.AddString("structured_data", s.substr(0, i));
            msg = s.substr(i);
        } else {
            return false;
        }
        if (!msg.empty() && msg[0] == ' ') msg.remove_prefix(1);
        if (StartsWith(msg, "\xEF\xBB\xBF")) msg.remove_prefix(3); // BOM
        msg_ = msg;
        ev_.AddString("message", msg);
        return true;
    }

    void ParseAuth() {
        std::string_view m = msg_;
        norm_.cls = EventClass::Authentication;
        if (app_ == "sshd" || app_ == "sshd-session") {
            norm_.action = "ssh_login";
            std::string_view result, method, user, ip, port;
            if (StartsWith(m, "Accepted ") || StartsWith(m, "Failed ")) {
                bool ok = m[0] == 'A';
                result = ok ? "accepted" : "failed";
                std::string_view rest = m.substr(ok ? 9 : 7);
                method = rest.substr(0, rest.find(' '));
                std::string_view u = After(rest, " for ");
                if (u == "invalid") u = After(rest, " for invalid user ");
                user = u;
                ip = After(rest, " from ");
                port = After(rest, " port ");
            } else if (StartsWith(m, "Invalid user ")) {
                result = "invalid_user";
                std::string_view rest = m.substr(13);
                size_t from = rest.find(" from ");
                user = from == std::string_view::npos ? rest.substr(0, rest.find(' '))
                                                      : rest.substr(0, from);
                ip = After(rest, " from ");
                port = After(rest, " port ");
            } else {
                norm_.cls = EventClass::SystemActivity;
                std::string_view ip2 = After(m, " from ");
                if (!ip2.empty() && ip2.find_first_not_of("0123456789abcdef.:") ==
                                        std::string_view::npos)
                    norm_.src_ip = ip2;
                return;
            }
            ev_.AddString("auth_result", result);
            if (!method.empty()) ev_.AddString("auth_method", method);
            if (!user.empty()) ev_.AddString("user", user);
            if (!ip.empty()) ev_.AddString("src_ip", ip);
            if (!port.empty()) ev_.AddString("src_port", port);
            norm_.actor_name = user;
            norm_.src_ip = ip;
            norm_.src_port = port;
            norm_.outcome = result == "accepted" ? "success" : "failure";
            if (result != "accepted") norm_.error_code = result;
            return;
        }
        std::string_view t = Trim(m);
        size_t sep = t.find(" : ");
        if (app_ == "sudo" && sep != std::string_view::npos) {
            // "  alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash -i"
            std::string_view who = t.substr(0, sep);
            ev_.AddString("sudo_user", who);
            norm_.actor_name = who;
            norm_.action = "sudo";
            std::string_view rest = t.substr(sep + 3);
            bool failed = rest.find("incorrect password") != std::string_view::npos ||
                          rest.find("NOT in sudoers") != std::string_view::npos ||
                          rest.find("command not allowed") != std::string_view::npos;
            norm_.outcome = failed ? "failure" : "success";
            size_t pos = 0;
            while (pos < rest.size()) {
                size_t end = rest.find(" ; ", pos);
                std::string_view item = rest.substr(pos, end == std::string_view::npos
                                                             ? std::string_view::npos
                                                             : end - pos);
                size_t eq = item.find('=');
                if (eq != std::string_view::npos) {
                    std::string_view k = item.substr(0, eq), v = item.substr(eq + 1);
                    if (k == "TTY") ev_.AddString("tty", v);
                    else if (k == "PWD") ev_.AddString("pwd", v);
                    else if (k == "USER") ev_.AddString("run_as", v);
                    else if (k == "COMMAND") {
                        // COMMAND is last and may contain " ; ".
                        v = rest.substr(pos + eq + 1);
                        ev_.AddString("command", v);
                        norm_.resource = v;
                        break;
                    }
                }
                if (end == std::string_view::npos) break;
                pos = end + 3;
            }
            return;
        }
        // pam_unix(su:session): session opened for user root(uid=0) by alice(uid=1000)
        if (m.find("session opened for user ") != std::string_view::npos) {
            std::string_view user = After(m, "session opened for user ");
            user = user.substr(0, user.find('('));
            std::string_view by = After(m, " by ");
            by = by.substr(0, by.find('('));
            if (!user.empty()) ev_.AddString("user", user);
            if (!by.empty()) ev_.AddString("by_user", by);
            norm_.actor_name = by.empty() ? user : by;
            norm_.action = "session_opened";
            norm_.outcome = "success";
        } else if (m.find("authentication failure") != std::string_view::npos) {
            norm_.action = "authentication_failure";
            norm_.outcome = "failure";
            std::string_view user = After(m, " user=");
            if (!user.empty()) {
                ev_.AddString("user", user);
                norm_.actor_name = user;
            }
        } else {
            norm_.cls = EventClass::SystemActivity;
        }
    }

    TimeMs now_ = 0;
    int year_ = 1970;
    bool fixed_year_ = false;
    std::string_view app_, msg_;
};

int SniffSyslog(std::string_view head, const FileInfo& info) {
    int lines = 0, good = 0;
    ForEachLine(head.substr(0, 8192), 1, [&](std::string_view line, uint64_t) {
        if (lines >= 5 || line.empty()) return;
        ++lines;
        std::string_view s = line;
        if (StartsWith(s, "<")) {
            size_t c = s.find('>');
            if (c == std::string_view::npos || c > 4) return;
            s = s.substr(c + 1);
            if (s.size() > 2 && s[1] == ' ' && s[0] >= '1' && s[0] <= '9') {
                if (ParseIsoTime(s.substr(2, s.find(' ', 2) - 2))) ++good;
                return;
            }
        }
        int mo, d, secs;
        if (ParseBsdTime(s, mo, d, secs)) {
            ++good;
            return;
        }
        size_t sp = s.find(' ');
        if (sp != std::string_view::npos && sp >= 19 && s[10] == 'T' && ParseIsoTime(s.substr(0, sp)) &&
            s.find(": ", sp) != std::string_view::npos && s.find('{') != 0)
            ++good;
    });
    if (lines > 0 && good * 2 > lines) return 40 + 30 * good / lines;
    return 0;
}

std::unique_ptr<FileDecoder> OpenSyslog(const FileInfo& info) {
    return std::make_unique<SyslogDecoder>(info);
}

} // namespace

const Format& SyslogFormat() {
    static const SpecFormat format(
        {"syslog", "syslog RFC 3164/5424 incl. Linux auth.log (sshd, sudo, su parsed)",
         "Mar  1 12:00:00 ip-10-0-1-15 sshd[4242]: Failed password for invalid user admin from "
         "198.51.100.23 port 51234 ssh2",
         true, SniffSyslog, OpenSyslog});
    return format;
}

} // namespace cloudsift
