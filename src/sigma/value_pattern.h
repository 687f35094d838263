// Sigma string values: wildcard parsing, value-transforming modifiers and compiled matchers.
//
// Grammar of a Sigma string value (sigma-rules-specification "String Wildcard", "Escape
// Character"):
//   value   := { literal | '*' | '?' | escape }
//   escape  := '\' ( '*' | '?' | '\' )      -- the escaped character, literally
//   literal := any other byte; a '\' not followed by '*', '?' or '\' is a literal backslash
// '*' matches any run of characters (also empty), '?' exactly one (UTF-8) character.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace cloudsift::sigma {

//! One piece of a Sigma string: literal text or a wildcard.
struct SigmaPiece {
    enum class Kind : uint8_t { Text, Star, One };
    Kind kind = Kind::Text;
    std::string text; //!< literal bytes for Kind::Text
};

//! A Sigma string value: literal text interleaved with '*' and '?' wildcards.
struct SigmaString {
    std::vector<SigmaPiece> pieces;

    //! Parses raw rule text, resolving backslash escapes (see the grammar above).
    static SigmaString Parse(std::string_view raw);
    //! A value made only of literal text (no wildcard interpretation).
    static SigmaString Literal(std::string_view text);
    //! Whether any '*' or '?' wildcard is present.
    bool HasWildcards() const;
    //! Concatenated literal text (wildcards dropped).
    std::string LiteralText() const;
    //! Adds a leading '*' unless one is there.
    void PrependStar();
    //! Adds a trailing '*' unless one is there.
    void AppendStar();
    //! Appends literal text, merging with a trailing text piece.
    void AppendText(std::string_view text);
    //! Readable form with wildcards re-escaped (for diagnostics).
    std::string ToString() const;
};

//! Standard Base64 (RFC 4648, with padding) of bytes.
std::string Base64Encode(std::string_view bytes);

//! The three base64offset variants of value (pySigma's algorithm: shifts of 0, 1 and 2 bytes with
//! the position-dependent leading and trailing characters removed).
std::vector<std::string> Base64OffsetVariants(std::string_view value);

//! UTF-16 bytes of UTF-8 text; with bom a byte order mark precedes the text. Error on bad UTF-8.
Result<std::string> Utf16Encode(std::string_view utf8, bool big_endian, bool bom);

//! All windash permutations of s: every '-', '/', en dash, em dash and horizontal bar in a literal
//! piece is replaced by each of the five characters. Error when more than limit variants result.
Result<std::vector<SigmaString>> WindashVariants(const SigmaString& s, size_t limit);

//! A compiled matcher for one Sigma string (exact / prefix / suffix / contains / glob).
class StringPattern {
public:
    //! Compiles s; unless cased, matching is ASCII case-insensitive (folded here, once).
    static StringPattern Compile(const SigmaString& s, bool cased);
    //! Whether subject matches; fold_buf is scratch space for the case-folded subject.
    bool Match(std::string_view subject, std::string& fold_buf) const;
    //! The pattern's literal text when it is a plain equality (for the rule index), else empty.
    bool IsEquality() const { return op_ == Op::Equals; }
    //! Folded literal text of an equality / prefix / suffix / contains pattern.
    const std::string& text() const { return text_; }
    //! Whether matching is case-sensitive.
    bool cased() const { return cased_; }

private:
    enum class Op : uint8_t { Equals, Prefix, Suffix, Contains, Any, Glob };
    Op op_ = Op::Equals;
    bool cased_ = false;
    std::string text_;
    std::vector<SigmaPiece> glob_;
};

//! Glob match of subject against pieces (Text, Star, One), byte-exact.
bool GlobMatch(const std::vector<SigmaPiece>& pieces, std::string_view subject);

//! Case-insensitive (ASCII) substring search.
bool IContains(std::string_view haystack, std::string_view needle);

} // namespace cloudsift::sigma
