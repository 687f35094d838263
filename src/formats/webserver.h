// nginx / Apache access logs (format "nginx"): the combined and common log formats, and any
// nginx log_format string.
//
// log_format grammar (nginx syntax):
//   format   := (literal | variable)+
//   variable := '$' [A-Za-z0-9_]+ | '${' [A-Za-z0-9_]+ '}'
//   literal  := any other text (two variables must be separated by a literal)
// A line matches a format when its literals appear in order; a variable takes the text up to
// the next literal (the last one takes the rest of the line). Text after the last literal of
// the built-in formats is ignored (nginx setups often append fields).
// Built-in formats, tried in order:
//   combined: $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
//             "$http_referer" "$http_user_agent"
//   common:   $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
// Native fields are the variable names without '$'; $request is also split into
// request_method, request_uri and server_protocol (nginx's own variable names).
#pragma once
#include <memory>
#include <string_view>

#include "common/result.h"
#include "formats/format.h"

namespace cloudsift {

//! The "nginx" format (combined / common, nginx and Apache).
const Format& NginxFormat();

//! An "nginx" format that decodes lines written with the given nginx log_format string (what the
//! CLI flag --nginx-log-format takes). Error when the string has no variable, an unterminated
//! "${", or two variables with no literal between them.
Result<std::unique_ptr<Format>> MakeNginxFormat(std::string_view log_format);

} // namespace cloudsift
