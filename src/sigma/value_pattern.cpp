#include "sigma/value_pattern.h"

#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/strings.h"

namespace cloudsift::sigma {

using Kind = SigmaPiece::Kind;

SigmaString SigmaString::Parse(std::string_view raw) {
    SigmaString out;
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '\\' && i + 1 < raw.size() &&
            (raw[i + 1] == '*' || raw[i + 1] == '?' || raw[i + 1] == '\\')) {
            out.AppendText(raw.substr(i + 1, 1));
            ++i;
        } else if (c == '*') {
            out.pieces.push_back({Kind::Star, {}});
        } else if (c == '?') {
            out.pieces.push_back({Kind::One, {}});
        } else {
            out.AppendText(raw.substr(i, 1));
        }
    }
    return out;
}

SigmaString SigmaString::Literal(std::string_view text) {
    SigmaString out;
    out.AppendText(text);
    return out;
}

bool SigmaString::HasWildcards() const {
    for (const auto& p : pieces)
        if (p.kind != Kind::Text) return true;
    return false;
}

std::string SigmaString::LiteralText() const {
    std::string out;
    for (const auto& p : pieces) out += p.text;
    return out;
}

void SigmaString::PrependStar() {
    if (pieces.empty() || pieces.front().kind != Kind::Star)
        pieces.insert(pieces.begin(), SigmaPiece{Kind::Star, {}});
}

void SigmaString::AppendStar() {
    if (pieces.empty() || pieces.back().kind != Kind::Star) pieces.push_back({Kind::Star, {}});
}

void SigmaString::AppendText(std::string_view text) {
    if (text.empty()) return;
    if (!pieces.empty() && pieces.back().kind == Kind::Text)
        pieces.back().text += text;
    else
        pieces.push_back({Kind::Text, std::string(text)});
}

std::string SigmaString::ToString() const {
    std::string out;
    for (const auto& p : pieces) {
        if (p.kind == Kind::Star) {
            out += '*';
        } else if (p.kind == Kind::One) {
            out += '?';
        } else {
            for (char c : p.text) {
                if (c == '*' || c == '?' || c == '\\') out += '\\';
                out += c;
            }
        }
    }
    return out;
}

std::string Base64Encode(std::string_view in) {
    static const char* kTable = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
        out += kTable[(v >> 18) & 63];
        out += kTable[(v >> 12) & 63];
        out += kTable[(v >> 6) & 63];
        out += kTable[v & 63];
    }
    if (i + 1 == in.size()) {
        uint32_t v = uint8_t(in[i]) << 16;
        out += kTable[(v >> 18) & 63];
        out += kTable[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
        out += kTable[(v >> 18) & 63];
        out += kTable[(v >> 12) & 63];
        out += kTable[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::vector<std::string> Base64OffsetVariants(std::string_view value) {
    // pySigma: b64encode(i * b' ' + value)[start[i] : end[(len(value) + i) % 3]]
    static const size_t kStart[3] = {0, 2, 3};
    static const size_t kEndCut[3] = {0, 3, 2};
    std::vector<std::string> out;
    for (size_t i = 0; i < 3; ++i) {
        std::string padded(i, ' ');
        padded += value;
        std::string enc = Base64Encode(padded);
        size_t cut = kEndCut[(value.size() + i) % 3];
        size_t start = kStart[i];
        if (start + cut >= enc.size()) continue;
        out.push_back(enc.substr(start, enc.size() - cut - start));
    }
    return out;
}

namespace {

// Decodes one UTF-8 code point at s[i]; advances i. Returns -1 on malformed input.
int32_t DecodeUtf8(std::string_view s, size_t& i) {
    auto b0 = uint8_t(s[i]);
    int len = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return -1;
    int32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1f) : len == 3 ? (b0 & 0x0f) : (b0 & 0x07);
    for (int k = 1; k < len; ++k) {
        auto b = uint8_t(s[i + k]);
        if ((b & 0xc0) != 0x80) return -1;
        cp = (cp << 6) | (b & 0x3f);
    }
    i += len;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
    return cp;
}

void PutUnit(std::string& out, uint16_t u, bool be) {
    if (be) {
        out += char(u >> 8);
        out += char(u & 0xff);
    } else {
        out += char(u & 0xff);
        out += char(u >> 8);
    }
}

size_t Utf8Len(unsigned char c) {
    return c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
}

} // namespace

Result<std::string> Utf16Encode(std::string_view utf8, bool big_endian, bool bom) {
    std::string out;
    if (bom) PutUnit(out, 0xfeff, big_endian);
    size_t i = 0;
    while (i < utf8.size()) {
        int32_t cp = DecodeUtf8(utf8, i);
        if (cp < 0) return Error{"modifier.utf16", "value is not valid UTF-8"};
        if (cp >= 0x10000) {
            cp -= 0x10000;
            PutUnit(out, uint16_t(0xd800 + (cp >> 10)), big_endian);
            PutUnit(out, uint16_t(0xdc00 + (cp & 0x3ff)), big_endian);
        } else {
            PutUnit(out, uint16_t(cp), big_endian);
        }
    }
    return out;
}

Result<std::vector<SigmaString>> WindashVariants(const SigmaString& s, size_t limit) {
    static const std::string_view kDashes[] = {"-", "/", "\xe2\x80\x93", "\xe2\x80\x94",
                                               "\xe2\x80\x95"};
    std::vector<SigmaString> out(1);
    for (const auto& piece : s.pieces) {
        if (piece.kind != Kind::Text) {
            for (auto& v : out) v.pieces.push_back(piece);
            continue;
        }
        std::string_view t = piece.text;
        size_t i = 0;
        while (i < t.size()) {
            size_t dash_len = 0;
            for (auto d : kDashes)
                if (t.substr(i, d.size()) == d) dash_len = d.size();
            if (dash_len == 0) {
                size_t n = std::min(Utf8Len(uint8_t(t[i])), t.size() - i);
                for (auto& v : out) v.AppendText(t.substr(i, n));
                i += n;
                continue;
            }
            if (out.size() * 5 > limit)
                return Error{"modifier.windash", "windash expands to more than " +
                                                     std::to_string(limit) + " values"};
            std::vector<SigmaString> next;
            next.reserve(out.size() * 5);
            for (const auto& v : out)
                for (auto d : kDashes) {
                    next.push_back(v);
                    next.back().AppendText(d);
                }
            out = std::move(next);
            i += dash_len;
        }
    }
    return out;
}

StringPattern StringPattern::Compile(const SigmaString& s, bool cased) {
    StringPattern p;
    p.cased_ = cased;
    auto fold = [&](const std::string& t) { return cased ? t : ToLower(t); };
    const auto& ps = s.pieces;
    size_t n = ps.size();
    auto is_text = [&](size_t i) { return ps[i].kind == Kind::Text; };
    auto is_star = [&](size_t i) { return ps[i].kind == Kind::Star; };
    if (n == 0) {
        p.op_ = Op::Equals;
    } else if (n == 1 && is_text(0)) {
        p.op_ = Op::Equals;
        p.text_ = fold(ps[0].text);
    } else if (n == 1 && is_star(0)) {
        p.op_ = Op::Any;
    } else if (n == 2 && is_text(0) && is_star(1)) {
        p.op_ = Op::Prefix;
        p.text_ = fold(ps[0].text);
    } else if (n == 2 && is_star(0) && is_text(1)) {
        p.op_ = Op::Suffix;
        p.text_ = fold(ps[1].text);
    } else if (n == 3 && is_star(0) && is_text(1) && is_star(2)) {
        p.op_ = Op::Contains;
        p.text_ = fold(ps[1].text);
    } else {
        p.op_ = Op::Glob;
        for (const auto& piece : ps) {
            // Consecutive stars are one star.
            if (piece.kind == Kind::Star && !p.glob_.empty() && p.glob_.back().kind == Kind::Star)
                continue;
            p.glob_.push_back({piece.kind, fold(piece.text)});
        }
    }
    return p;
}

bool IContains(std::string_view h, std::string_view n) {
    if (n.empty()) return true;
    if (n.size() > h.size()) return false;
    auto upper = [](char lower) {
        return (lower >= 'a' && lower <= 'z') ? char(lower - 32) : lower;
    };
    const char c0 = AsciiLower(n[0]), C0 = upper(c0);
    const size_t last = h.size() - n.size(); // last start position
    size_t i = 0;
#if defined(__SSE2__)
    if (n.size() >= 2) {
        // Candidates are the positions where the needle's first two characters (either case)
        // start, 16 positions per step; only those are compared in full.
        const char c1 = AsciiLower(n[1]), C1 = upper(c1);
        const __m128i l0 = _mm_set1_epi8(c0), u0 = _mm_set1_epi8(C0);
        const __m128i l1 = _mm_set1_epi8(c1), u1 = _mm_set1_epi8(C1);
        for (; i + 16 <= last + 1 && i + 17 <= h.size(); i += 16) {
            __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h.data() + i));
            __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h.data() + i + 1));
            __m128i m0 = _mm_or_si128(_mm_cmpeq_epi8(a, l0), _mm_cmpeq_epi8(a, u0));
            __m128i m1 = _mm_or_si128(_mm_cmpeq_epi8(b, l1), _mm_cmpeq_epi8(b, u1));
            unsigned mask = unsigned(_mm_movemask_epi8(_mm_and_si128(m0, m1)));
            while (mask) {
                size_t at = i + size_t(__builtin_ctz(mask));
                if (IEquals(h.substr(at + 2, n.size() - 2), n.substr(2))) return true;
                mask &= mask - 1;
            }
        }
    }
#endif
    for (; i <= last; ++i) {
        if (h[i] != c0 && h[i] != C0) continue;
        if (IEquals(h.substr(i, n.size()), n)) return true;
    }
    return false;
}

bool GlobMatch(const std::vector<SigmaPiece>& pieces, std::string_view s) {
    size_t ti = 0, si = 0;
    size_t star_ti = SIZE_MAX, star_si = 0;
    const size_t tn = pieces.size(), sn = s.size();
    while (true) {
        if (ti < tn) {
            const auto& tok = pieces[ti];
            if (tok.kind == Kind::Star) {
                star_ti = ti++;
                star_si = si;
                continue;
            }
            if (tok.kind == Kind::Text && s.substr(si, tok.text.size()) == tok.text) {
                si += tok.text.size();
                ++ti;
                continue;
            }
            if (tok.kind == Kind::One && si < sn) {
                si += std::min(Utf8Len(uint8_t(s[si])), sn - si);
                ++ti;
                continue;
            }
        } else if (si == sn) {
            return true;
        }
        if (star_ti == SIZE_MAX || star_si >= sn) return false;
        ++star_si;
        si = star_si;
        ti = star_ti + 1;
    }
}

bool StringPattern::Match(std::string_view subject, std::string& fold_buf) const {
    switch (op_) {
    case Op::Any: return true;
    case Op::Equals: return cased_ ? subject == text_ : IEquals(subject, text_);
    case Op::Prefix: {
        auto head = subject.substr(0, text_.size());
        return head.size() == text_.size() && (cased_ ? head == text_ : IEquals(head, text_));
    }
    case Op::Suffix: {
        if (subject.size() < text_.size()) return false;
        auto tail = subject.substr(subject.size() - text_.size());
        return cased_ ? tail == text_ : IEquals(tail, text_);
    }
    case Op::Contains:
        return cased_ ? subject.find(text_) != std::string_view::npos
                      : IContains(subject, text_);
    case Op::Glob:
        if (cased_) return GlobMatch(glob_, subject);
        fold_buf.assign(subject);
        for (auto& c : fold_buf) c = AsciiLower(c);
        return GlobMatch(glob_, fold_buf);
    }
    return false;
}

} // namespace cloudsift::sigma
