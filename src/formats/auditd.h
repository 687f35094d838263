// Linux audit logs (format "auditd"), /var/log/audit/audit.log.
//
// Grammar:
//   line  := ['node=' host ' '] 'type=' TYPE ' msg=audit(' secs '.' millis ':' serial '):' pairs
//   pairs := (' ' key '=' value)*
//   value := '"' [^"]* '"' | "'" pairs-text "'" | [^ ]*
// A single-quoted value (USER_* records: msg='op=… acct="root" res=failed') is flattened: its
// own key=value pairs become fields. Quotes are removed; hex-encoded values stay as written.
// Native fields: node, type, audit_time (secs.millis), audit_serial, then each key as written.
#pragma once
#include "formats/format.h"

namespace cloudsift {

//! The "auditd" format.
const Format& AuditdFormat();

} // namespace cloudsift
