#include "common/yaml_hazard.h"

#include "common/sanitize.h"

namespace cloudsift {
namespace {

// A "---" or "..." marker at the start of the line beginning at i.
bool DocumentMarker(std::string_view t, size_t i) {
    if (t.substr(i, 3) != "---" && t.substr(i, 3) != "...")
        return false;
    return i + 3 >= t.size() || t[i + 3] == ' ' || t[i + 3] == '\t' || t[i + 3] == '\n' ||
           t[i + 3] == '\r';
}

bool Space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Whether c may stand in a tag after its '!' (letters, digits, "-#;/?:@&=+$_.~*'()%!").
bool TagChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-#;/?:@&=+$_.~*'()%!").find(c) != std::string_view::npos;
}

// The kind of a block document's root node, from its first line.
enum class BlockRoot { Mapping, Sequence, BlockScalar, Plain };

BlockRoot RootKind(std::string_view l) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    if (l.empty() || l[0] == '?')
        return BlockRoot::Mapping;
    if (l[0] == '-' && (l.size() == 1 || blank(l[1])))
        return BlockRoot::Sequence;
    if (l[0] == '|' || l[0] == '>')
        return BlockRoot::BlockScalar;
    for (size_t k = 0; k < l.size(); ++k) {
        if (l[k] == '#' && k > 0 && blank(l[k - 1]))
            break; // a comment
        if (l[k] == ':' && (k + 1 == l.size() || blank(l[k + 1])))
            return BlockRoot::Mapping;
    }
    return BlockRoot::Plain;
}

// Whether c is a YAML indicator character.
bool Indicator(char c) {
    return std::string_view("&!*[]{}\"'-?:|>%@`,").find(c) != std::string_view::npos;
}

// Whether line l of a plain scalar holds a comment (a '#' after a blank).
bool HasComment(std::string_view l) {
    for (size_t k = 1; k < l.size(); ++k)
        if (l[k] == '#' && (l[k - 1] == ' ' || l[k - 1] == '\t'))
            return true;
    return false;
}

} // namespace

std::optional<size_t> YamlParserHazard(std::string_view t) {
    // Text that is not UTF-8: the parser decodes it its own way (a stray lead byte swallowed
    // the quote after it, and "{\xfc \"}," hung it).
    if (!IsValidUtf8(t)) {
        size_t l = 1;
        for (size_t from = 0;; ++l) {
            size_t eol = t.find('\n', from);
            if (!IsValidUtf8(t.substr(from, eol == std::string_view::npos ? eol : eol - from)) ||
                eol == std::string_view::npos)
                return l;
            from = eol + 1;
        }
    }
    // Control characters are not allowed in a YAML stream (only tab, LF, CR); the parser has
    // been seen to hang on one before a ','.
    for (size_t k = 0, l = 1; k < t.size(); ++k) {
        const auto c = static_cast<unsigned char>(t[k]);
        if (c == '\n')
            ++l;
        else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F)
            return l;
        else if (c == '\r' && (k + 1 == t.size() || t[k + 1] != '\n'))
            return l; // a lone CR breaks lines for the parser, not for this scan
    }
    size_t i = 0, line = 1;
    auto advance = [&](size_t n) {
        for (size_t k = 0; k < n && i < t.size(); ++k, ++i)
            if (t[i] == '\n')
                ++line;
    };
    auto skip_to_eol = [&] {
        while (i < t.size() && t[i] != '\n')
            ++i;
    };
    while (i < t.size()) {
        // Start of a document: blank lines, comments, directives, the "---" marker, properties.
        bool at_line_start = true;
        for (;;) {
            if (i >= t.size())
                return std::nullopt;
            char c = t[i];
            if (Space(c)) {
                at_line_start = c == '\n';
                advance(1);
            } else if (c == '#' || (at_line_start && c == '%')) {
                skip_to_eol();
            } else if (at_line_start && DocumentMarker(t, i)) {
                advance(3);
                at_line_start = false;
            } else if (c == '!') { // a tag before the root node: !<verbatim> or !handle!suffix
                ++i;
                if (i < t.size() && t[i] == '<') {
                    while (i < t.size() && t[i] != '>' && t[i] != '\n')
                        ++i;
                    if (i < t.size() && t[i] == '>')
                        ++i;
                } else {
                    while (i < t.size() && TagChar(t[i])) // the parser's set: '"' ends it
                        ++i;
                }
                at_line_start = false;
            } else if (c == '&') { // an anchor before the root node
                // The name ends at a space or a flow indicator (which then starts a token).
                const size_t name = ++i;
                while (i < t.size() && !Space(t[i]) && t[i] != ',' && t[i] != '[' && t[i] != ']' &&
                       t[i] != '{' && t[i] != '}')
                    ++i;
                if (i == name && (i >= t.size() || Space(t[i])))
                    return line; // an anchor without a name
                at_line_start = false;
            } else {
                break;
            }
        }
        char first = t[i];
        bool flow_root =
            first == '[' || first == '{' || first == '"' || first == '\'' || first == ',';
        if (first == '"' || first == '\'') { // a quoted key ("k": v) starts a block mapping
            size_t j = i + 1;
            while (j < t.size() && t[j] != '\n') {
                if (first == '"' && t[j] == '\\') {
                    j += 2;
                } else if (first == '\'' && t[j] == '\'' && j + 1 < t.size() && t[j + 1] == '\'') {
                    j += 2; // '' stands for a quote
                } else if (t[j] == first) {
                    break;
                } else {
                    ++j;
                }
            }
            ++j;
            while (j < t.size() && (t[j] == ' ' || t[j] == '\t'))
                ++j;
            // In a block mapping the ':' is followed by a blank ("k":v is for flow mappings).
            if (j < t.size() && t[j] == ':' && (j + 1 >= t.size() || Space(t[j + 1])))
                flow_root = false;
        }
        if (!flow_root) { // a block document: move on to the next marker at a line start
            // Once the root has ended (a comment ends a plain scalar, a line indented less ends
            // a block scalar or a mapping, a line that is not an entry ends a sequence) only
            // comments may follow: the parser hangs on some text there ("- a\n[1],",
            // "1 #\n\"\","). A line starting with ',' is refused under any root but a mapping.
            auto line_at = [&](size_t from) {
                size_t eol = t.find('\n', from);
                return t.substr(from, eol == std::string_view::npos ? eol : eol - from);
            };
            size_t line_begin = i;
            while (line_begin > 0 && t[line_begin - 1] != '\n')
                --line_begin;
            const BlockRoot kind = RootKind(line_at(i));
            // The root's indentation, when it begins its line (after "--- ", a tag or an
            // anchor the next lines may start further left: 0 then).
            size_t root_indent = i - line_begin;
            for (size_t k = line_begin; k < i; ++k)
                if (t[k] != ' ')
                    root_indent = 0;
            bool ended = kind == BlockRoot::Plain && HasComment(line_at(i));
            size_t content_indent = std::string_view::npos; // of a block scalar
            for (;;) {
                skip_to_eol();
                if (i >= t.size())
                    return std::nullopt;
                advance(1);
                if (DocumentMarker(t, i))
                    break;
                if (i < t.size() && t[i] == '%')
                    return line; // a directive inside a document (":\n%\n\"\"," hangs the parser)
                size_t j = i;
                while (j < t.size() && (t[j] == ' ' || t[j] == '\t'))
                    ++j;
                if (j >= t.size() || t[j] == '\n' || t[j] == '\r')
                    continue; // blank
                const size_t indent = j - i;
                const bool comment = t[j] == '#';
                if (kind == BlockRoot::Mapping) {
                    // A line indented less than the root mapping's keys ends it: only comments
                    // may follow (an anchor and a quoted scalar there hung the parser).
                    if (!comment && indent < root_indent)
                        return line;
                    continue;
                }
                if (t[j] == ',')
                    return line;
                switch (kind) {
                case BlockRoot::Sequence:
                    if (!comment && (indent < root_indent ||
                                     (indent == root_indent &&
                                      !(t[j] == '-' && (j + 1 >= t.size() || Space(t[j + 1]))))))
                        return line;
                    break;
                case BlockRoot::BlockScalar:
                    if (!comment && Indicator(t[j]))
                        return line; // '>' then '"",' hangs the parser; never a rule either
                    if (content_indent == std::string_view::npos)
                        content_indent = indent;
                    else if (indent < content_indent && !comment)
                        return line;
                    break;
                case BlockRoot::Plain:
                    // A continuation line led by an indicator ("&F,") hangs the parser as well.
                    if (!comment && (ended || Indicator(t[j])))
                        return line;
                    ended = ended || comment || HasComment(line_at(i));
                    break;
                case BlockRoot::Mapping:
                    break;
                }
            }
            continue;
        }
        // A flow root: scan the document to its end (the next marker at a line start). Once the
        // root value is complete only blanks and comments may follow (or ':' when the value is
        // the key of a block mapping); anything else is refused, as the parser may hang on it.
        int depth = 0;
        bool line_start = false, token_start = true, root_done = false, key_root = false;
        const size_t root_line = line; // an implicit key (the root before ':') is one line
        while (i < t.size()) {
            char c = t[i];
            if (line_start && DocumentMarker(t, i))
                break;
            if (line_start && c == '%')
                return line; // a directive inside a document
            line_start = false;
            if (c == '\n') {
                line_start = token_start = true;
                advance(1);
                continue;
            }
            if (c == '#' && token_start) {
                skip_to_eol();
                continue;
            }
            if (key_root) { // a block mapping: its lines are not flow text
                advance(1);
                continue;
            }
            if (root_done) {
                if (c == ':' && line == root_line && (i + 1 >= t.size() || Space(t[i + 1]))) {
                    key_root = true;
                } else if (!Space(c)) {
                    return line;
                }
                token_start = true;
                advance(1);
                continue;
            }
            if ((c == '"' || c == '\'') && token_start) {
                advance(1);
                while (i < t.size()) {
                    if (c == '"' && t[i] == '\\') {
                        advance(2);
                        continue;
                    }
                    if (t[i] == c) {
                        if (c == '\'' && i + 1 < t.size() && t[i + 1] == '\'') {
                            advance(2);
                            continue;
                        }
                        break;
                    }
                    advance(1);
                }
                advance(1);
                token_start = false;
                root_done = depth == 0;
                continue;
            }
            if (c == '[' || c == '{')
                ++depth;
            if ((c == ']' || c == '}') && depth > 0 && --depth == 0)
                root_done = true;
            if (c == ',' && depth == 0)
                return line;
            token_start =
                Space(c) || c == '[' || c == '{' || c == ',' || c == ':' || c == ']' || c == '}';
            advance(1);
        }
    }
    return std::nullopt;
}

} // namespace cloudsift
