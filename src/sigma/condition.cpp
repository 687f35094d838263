#include "sigma/condition.h"

#include <charconv>

#include "common/strings.h"
#include "sigma/value_pattern.h"

namespace cloudsift::sigma {
namespace {

constexpr int kMaxDepth = 64;

struct Token {
    enum class Kind { Word, LParen, RParen, End } kind;
    std::string_view text;
    size_t pos;
};

bool IsWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '*' || c == '-' || c == '.' || c == '?';
}

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    Result<CondExpr> Run() {
        if (text_.find('|') != std::string_view::npos)
            return Error{"condition.aggregation",
                         "obsolete aggregation/near syntax in condition (use a correlation rule)"};
        Status lex = Lex();
        if (!lex.ok()) return lex.error();
        CondExpr e;
        if (!Or(e, 0)) return error_;
        if (Peek().kind != Token::Kind::End) return Fail("unexpected '" + Str(Peek()) + "'");
        return e;
    }

private:
    Status Lex() {
        size_t i = 0;
        while (i < text_.size()) {
            char c = text_[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++i;
            } else if (c == '(') {
                toks_.push_back({Token::Kind::LParen, text_.substr(i, 1), i});
                ++i;
            } else if (c == ')') {
                toks_.push_back({Token::Kind::RParen, text_.substr(i, 1), i});
                ++i;
            } else if (IsWordChar(c)) {
                size_t start = i;
                while (i < text_.size() && IsWordChar(text_[i])) ++i;
                toks_.push_back({Token::Kind::Word, text_.substr(start, i - start), start});
            } else {
                return Error{"condition.syntax", "unexpected character '" + std::string(1, c) +
                                                     "' at offset " + std::to_string(i)};
            }
        }
        toks_.push_back({Token::Kind::End, {}, text_.size()});
        return Ok{};
    }

    const Token& Peek() const { return toks_[pos_]; }
    static std::string Str(const Token& t) {
        return t.kind == Token::Kind::End ? "end of condition" : std::string(t.text);
    }
    bool IsKeyword(const Token& t, std::string_view kw) const {
        return t.kind == Token::Kind::Word && IEquals(t.text, kw);
    }
    Error Fail(std::string msg) {
        error_ = Error{"condition.syntax", std::move(msg)};
        return error_;
    }
    bool FailB(std::string msg) {
        Fail(std::move(msg));
        return false;
    }

    bool Or(CondExpr& out, int depth) {
        if (depth > kMaxDepth) return FailB("condition nested too deeply");
        CondExpr first;
        if (!And(first, depth)) return false;
        if (!IsKeyword(Peek(), "or")) {
            out = std::move(first);
            return true;
        }
        out = CondExpr{CondExpr::Op::Or, {}, 1, {}};
        out.kids.push_back(std::move(first));
        while (IsKeyword(Peek(), "or")) {
            ++pos_;
            CondExpr next;
            if (!And(next, depth)) return false;
            out.kids.push_back(std::move(next));
        }
        return true;
    }

    bool And(CondExpr& out, int depth) {
        CondExpr first;
        if (!Not(first, depth)) return false;
        if (!IsKeyword(Peek(), "and")) {
            out = std::move(first);
            return true;
        }
        out = CondExpr{CondExpr::Op::And, {}, 1, {}};
        out.kids.push_back(std::move(first));
        while (IsKeyword(Peek(), "and")) {
            ++pos_;
            CondExpr next;
            if (!Not(next, depth)) return false;
            out.kids.push_back(std::move(next));
        }
        return true;
    }

    bool Not(CondExpr& out, int depth) {
        if (depth > kMaxDepth) return FailB("condition nested too deeply");
        if (IsKeyword(Peek(), "not")) {
            ++pos_;
            CondExpr inner;
            if (!Not(inner, depth + 1)) return false;
            out = CondExpr{CondExpr::Op::Not, {}, 1, {}};
            out.kids.push_back(std::move(inner));
            return true;
        }
        return Primary(out, depth);
    }

    bool Primary(CondExpr& out, int depth) {
        const Token& t = Peek();
        if (t.kind == Token::Kind::LParen) {
            ++pos_;
            if (!Or(out, depth + 1)) return false;
            if (Peek().kind != Token::Kind::RParen)
                return FailB("expected ')' but found " + Str(Peek()));
            ++pos_;
            return true;
        }
        if (t.kind != Token::Kind::Word) return FailB("expected an identifier, found " + Str(t));
        if (IsKeyword(t, "and") || IsKeyword(t, "or") || IsKeyword(t, "not") ||
            IsKeyword(t, "of"))
            return FailB("expected an identifier, found '" + Str(t) + "'");
        // Quantifier?
        if (toks_[pos_ + 1].kind == Token::Kind::Word && IsKeyword(toks_[pos_ + 1], "of")) {
            int count = 0;
            if (IsKeyword(t, "all")) {
                count = -1;
            } else if (IsKeyword(t, "any")) {
                count = 1;
            } else {
                auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), count);
                if (ec != std::errc() || p != t.text.data() + t.text.size() || count < 1)
                    return FailB("'of' must follow 'all', 'any' or a positive number, not '" +
                                 Str(t) + "'");
            }
            pos_ += 2;
            const Token& target = Peek();
            if (target.kind != Token::Kind::Word || IsKeyword(target, "and") ||
                IsKeyword(target, "or") || IsKeyword(target, "not"))
                return FailB("expected 'them' or an identifier pattern after 'of'");
            out = CondExpr{CondExpr::Op::Of, IsKeyword(target, "them") ? "them"
                                                                        : std::string(target.text),
                           count, {}};
            ++pos_;
            return true;
        }
        if (t.text.find('*') != std::string_view::npos)
            return FailB("wildcard identifier '" + Str(t) + "' needs '1 of' or 'all of'");
        out = CondExpr{CondExpr::Op::Ident, std::string(t.text), 1, {}};
        ++pos_;
        return true;
    }

    std::string_view text_;
    std::vector<Token> toks_;
    size_t pos_ = 0;
    Error error_;
};

} // namespace

Result<CondExpr> ParseCondition(std::string_view text) { return Parser(text).Run(); }

bool IdentifierMatches(std::string_view pattern, std::string_view name) {
    std::vector<SigmaPiece> pieces;
    size_t start = 0;
    for (size_t i = 0; i <= pattern.size(); ++i) {
        if (i == pattern.size() || pattern[i] == '*') {
            if (i > start) pieces.push_back({SigmaPiece::Kind::Text,
                                             std::string(pattern.substr(start, i - start))});
            if (i < pattern.size()) pieces.push_back({SigmaPiece::Kind::Star, {}});
            start = i + 1;
        }
    }
    return GlobMatch(pieces, name);
}

} // namespace cloudsift::sigma
