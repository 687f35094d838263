// Allocation-free helpers for the text decoders: line iteration, a space-separated tokenizer
// that understands "quoted" and [bracketed] tokens, number and time parsing, and a splitter for
// concatenated JSON documents.
//
// Tokenizer grammar (S3 access, ALB/NLB/ELB, webserver logs):
//   line   := token (' '+ token)*
//   token  := '"' (char | '\' char)* '"' (' ' | EOL)  → quoted (value without the outer quotes,
//                                                  escapes kept; a '"' not followed by a space
//                                                  does not close the token)
//           | '[' [^\]]* ']'                → bracketed (only when brackets are enabled)
//           | [^ ]+                         → bare
// An unterminated quote or bracket runs to the end of the line and sets Tokenizer::broken().
#pragma once
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/function_ref.h"
#include "common/time_util.h"

namespace cloudsift::formats {

//! Calls fn(line, line_no) for every line of data ('\n' separated; a trailing '\r' is dropped).
template <typename Fn>
inline void ForEachLine(std::string_view data, uint64_t first_line, Fn&& fn) {
    uint64_t no = first_line;
    size_t pos = 0;
    while (pos < data.size()) {
        size_t nl = data.find('\n', pos);
        size_t end = nl == std::string_view::npos ? data.size() : nl;
        std::string_view line = data.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        fn(line, no);
        ++no;
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
}

//! Splits a line into space-separated tokens (see the grammar above).
class Tokenizer {
public:
    //! Tokenizes line; brackets enables [bracketed] tokens (CLF times).
    explicit Tokenizer(std::string_view line, bool brackets = false)
        : s_(line), brackets_(brackets) {}
    //! Next token into tok; false at end of line. quoted() tells whether it was quoted/bracketed.
    bool Next(std::string_view& tok);
    //! Whether the last token was "quoted" or [bracketed].
    bool quoted() const { return quoted_; }
    //! Whether an unterminated quote or bracket was met.
    bool broken() const { return broken_; }
    //! The unread rest of the line (leading spaces skipped).
    std::string_view Rest();

private:
    std::string_view s_;
    size_t pos_ = 0;
    bool brackets_ = false;
    bool quoted_ = false;
    bool broken_ = false;
};

//! Parses an unsigned decimal integer (the whole of s); false when s is not one or overflows.
bool ParseUint(std::string_view s, uint64_t& out);

//! Parses a signed decimal integer (the whole of s).
bool ParseInt(std::string_view s, int64_t& out);

//! Whether s is non-empty and all ASCII digits.
bool AllDigits(std::string_view s);

//! Month number 1..12 from an English three-letter abbreviation ("Jan"), 0 when not one.
int MonthFromAbbrev(std::string_view s);

//! Parses the Common Log Format time "06/Feb/2019:00:00:38 +0000" (offset optional).
std::optional<TimeMs> ParseClfTime(std::string_view s);

//! Splits "host:port" at the last ':' ("[v6]:port" brackets removed); false when no port.
bool SplitHostPort(std::string_view s, std::string_view& host, std::string_view& port);

//! Region and account of an ARN ("arn:aws:svc:us-east-1:111122223333:…"); false when not an ARN.
bool ArnRegionAccount(std::string_view arn, std::string_view& region, std::string_view& account);

//! The IANA protocol name for a protocol number ("6" → "tcp"), or the text itself.
std::string_view ProtocolName(std::string_view number);

//! Calls fn(doc, offset) for each top-level JSON value in data (objects/arrays separated by
//! optional whitespace or written back to back, as Firehose does). Bytes that do not start a
//! value are passed as a "garbage" run with is_garbage = true. A value longer than max_bytes or
//! never closed is passed whole as garbage. String contents (and escapes) are honoured.
void ForEachJsonDocument(std::string_view data, uint64_t max_bytes,
                         FunctionRef<void(std::string_view doc, uint64_t offset,
                                          bool is_garbage)> fn);

//! The value at key of an object as a string view ("" when absent or not a string).
std::string_view JStr(simdjson::dom::element obj, std::string_view key);

//! The value at key of an object as text: strings as-is, integers/doubles written into buf
//! (buf must outlive the use of the result), "" otherwise.
std::string_view JText(simdjson::dom::element obj, std::string_view key, std::string& buf);

//! The element at key, or a null element result.
bool JGet(simdjson::dom::element obj, std::string_view key, simdjson::dom::element& out);

//! Milliseconds from a JSON number or numeric/ISO string holding epoch ms or an ISO time.
std::optional<TimeMs> JTimeMs(simdjson::dom::element e);

} // namespace cloudsift::formats
