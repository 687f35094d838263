// Syslog files (format "syslog"): RFC 3164 (BSD, /var/log/auth.log, /var/log/secure,
// /var/log/messages), RFC 5424, and rsyslog's ISO-timestamp variant; sshd, sudo and su messages
// get their own parsed fields (the Linux auth log).
//
// Grammar:
//   line   := rfc5424 | rfc3164
//   rfc5424:= '<' pri '>' version ' ' timestamp ' ' host ' ' app ' ' procid ' ' msgid ' '
//             ('-' | ('[' sd-element ']')+) [' ' msg]
//   rfc3164:= ['<' pri '>'] (Mmm ' ' dd ' ' hh:mm:ss | iso-timestamp) ' ' host ' '
//             tag ['[' pid ']'] ':' ' ' msg       (a line without "tag:" keeps all as msg)
// RFC 3164 has no year: the year of the AWSLogs path date is used when known, else the year of
// the file's modification time (its last write; the current time when unknown). A record that
// would lie more than a day after that reference moves to the previous year, so December lines
// of a file last written in January belong to the previous year (the day of slack absorbs the
// local-time offset of syslog timestamps).
// Native fields: priority facility severity timestamp hostname appname procid msgid
// structured_data message; for auth messages also auth_result (accepted|failed|invalid_user),
// auth_method, user, src_ip, src_port (sshd), sudo_user tty pwd run_as command (sudo),
// and user/by_user (su sessions).
#pragma once
#include "formats/format.h"

namespace cloudsift {

//! The "syslog" format (with Linux auth-log parsing).
const Format& SyslogFormat();

} // namespace cloudsift
