#include "sigma/detection.h"

#include <re2/re2.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "common/strings.h"
#include "common/time_util.h"
#include "event/json_event.h"
#include "sigma/condition.h"

namespace cloudsift::sigma::detail {
namespace {

constexpr size_t kMaxVariants = 4096; // expand / windash / base64offset products per value
constexpr size_t kMaxRegexMem = 8 << 20;

using DKind = Diagnostic::Kind;

// ---------------------------------------------------------------------------------------------
// Modifiers

enum class Mod {
    Contains, StartsWith, EndsWith, All, Re, ReI, ReM, ReS, Cidr, Base64, Base64Offset, Utf16Le,
    Utf16Be, Utf16, Windash, Exists, FieldRef, Gt, Gte, Lt, Lte, Expand, Cased, Neq, Minute, Hour,
    Day, Week, Month, Year
};

const std::pair<std::string_view, Mod> kModNames[] = {
    {"contains", Mod::Contains},   {"startswith", Mod::StartsWith}, {"endswith", Mod::EndsWith},
    {"all", Mod::All},             {"re", Mod::Re},                 {"i", Mod::ReI},
    {"m", Mod::ReM},               {"s", Mod::ReS},                 {"cidr", Mod::Cidr},
    {"base64", Mod::Base64},       {"base64offset", Mod::Base64Offset},
    {"utf16le", Mod::Utf16Le},     {"utf16be", Mod::Utf16Be},       {"utf16", Mod::Utf16},
    {"wide", Mod::Utf16Le},        {"windash", Mod::Windash},       {"exists", Mod::Exists},
    {"fieldref", Mod::FieldRef},   {"gt", Mod::Gt},                 {"gte", Mod::Gte},
    {"lt", Mod::Lt},               {"lte", Mod::Lte},               {"expand", Mod::Expand},
    {"cased", Mod::Cased},         {"neq", Mod::Neq},               {"minute", Mod::Minute},
    {"hour", Mod::Hour},           {"day", Mod::Day},               {"week", Mod::Week},
    {"month", Mod::Month},         {"year", Mod::Year},
};

bool IsTransform(Mod m) {
    switch (m) {
    case Mod::Contains: case Mod::StartsWith: case Mod::EndsWith: case Mod::Base64:
    case Mod::Base64Offset: case Mod::Utf16Le: case Mod::Utf16Be: case Mod::Utf16:
    case Mod::Windash: return true;
    default: return false;
    }
}

bool IsPosition(Mod m) { return m == Mod::Contains || m == Mod::StartsWith || m == Mod::EndsWith; }

// The parsed modifier chain of one detection key.
struct ModChain {
    std::vector<Mod> transforms; // in rule order
    bool all = false, re = false, re_i = false, re_m = false, re_s = false, cidr = false;
    bool exists = false, fieldref = false, expand = false, cased = false, neq = false;
    std::optional<CmpOp> cmp;
    TimePart time = TimePart::None;
    bool HasPosition() const {
        return std::any_of(transforms.begin(), transforms.end(), IsPosition);
    }
    bool HasEncoding() const {
        return std::any_of(transforms.begin(), transforms.end(),
                           [](Mod m) { return IsTransform(m) && !IsPosition(m); });
    }
};

// ---------------------------------------------------------------------------------------------
// Compiler

class Compiler {
public:
    Compiler(const CompileEnv& env, std::vector<Diagnostic>& diags) : env_(env), diags_(diags) {}

    std::shared_ptr<const Detection> Run(const YAML::Node& section) {
        auto det = std::make_shared<Detection>();
        if (!section.IsMap()) {
            Add(DKind::Error, section, "detection.type", "detection must be a mapping");
            return nullptr;
        }
        YAML::Node condition;
        bool have_condition = false;
        for (auto it = section.begin(); it != section.end(); ++it) {
            std::string key = it->first.as<std::string>();
            if (key == "condition") {
                condition = it->second;
                have_condition = true;
                continue;
            }
            if (std::find(env_.skip_keys.begin(), env_.skip_keys.end(), key) !=
                env_.skip_keys.end())
                continue;
            SearchId id;
            id.name = key;
            CompileSearchId(it->first, it->second, id);
            det->ids.push_back(std::move(id));
        }
        if (!have_condition) {
            Add(DKind::Error, section, "condition.missing", "detection has no condition");
            return nullptr;
        }
        std::vector<YAML::Node> conds;
        if (condition.IsSequence()) {
            for (const auto& c : condition) conds.push_back(c);
        } else {
            conds.push_back(condition);
        }
        if (conds.empty()) Add(DKind::Error, condition, "condition.missing", "empty condition");
        for (const auto& c : conds) {
            if (!c.IsScalar()) {
                Add(DKind::Error, c, "condition.type", "condition must be a string");
                continue;
            }
            auto parsed = ParseCondition(c.Scalar());
            if (!parsed.ok()) {
                Add(parsed.error().code == "condition.aggregation" ? DKind::Unsupported
                                                                   : DKind::Error,
                    c, parsed.error().code, parsed.error().message);
                continue;
            }
            CondNode node;
            if (Resolve(parsed.value(), *det, c, node)) det->conditions.push_back(std::move(node));
        }
        if (failed_) return nullptr;
        return det;
    }

private:
    void Add(DKind kind, const YAML::Node& node, std::string code, std::string message) {
        if (kind != DKind::Warning) failed_ = true;
        diags_.push_back(MakeDiag(kind, env_.file, node, env_.rule_title, std::move(code),
                                  std::move(message)));
    }

    bool Resolve(const CondExpr& e, const Detection& det, const YAML::Node& at, CondNode& out) {
        switch (e.op) {
        case CondExpr::Op::Ident: {
            for (size_t i = 0; i < det.ids.size(); ++i)
                if (det.ids[i].name == e.name) {
                    out = CondNode{CondNode::Op::Ident, int(i), 1, {}};
                    return true;
                }
            Add(DKind::Error, at, "condition.undefined",
                "condition references undefined search identifier '" + e.name + "'");
            return false;
        }
        case CondExpr::Op::Of: {
            out = CondNode{CondNode::Op::Of, -1, e.count, {}};
            for (size_t i = 0; i < det.ids.size(); ++i) {
                const auto& name = det.ids[i].name;
                bool take = e.name == "them" ? (name.empty() || name[0] != '_')
                                             : IdentifierMatches(e.name, name);
                if (take) out.kids.push_back(CondNode{CondNode::Op::Ident, int(i), 1, {}});
            }
            if (out.kids.empty()) {
                Add(DKind::Error, at, "condition.undefined",
                    "'" + e.name + "' matches no search identifier");
                return false;
            }
            if (e.count < 0) out.count = int(out.kids.size());
            if (size_t(out.count) > out.kids.size())
                Add(DKind::Warning, at, "condition.unsatisfiable",
                    std::to_string(out.count) + " of '" + e.name + "' can never hold: only " +
                        std::to_string(out.kids.size()) + " identifiers match");
            return true;
        }
        default: {
            out = CondNode{e.op == CondExpr::Op::And  ? CondNode::Op::And
                           : e.op == CondExpr::Op::Or ? CondNode::Op::Or
                                                      : CondNode::Op::Not,
                           -1, 1, {}};
            for (const auto& k : e.kids) {
                CondNode kid;
                if (!Resolve(k, det, at, kid)) return false;
                out.kids.push_back(std::move(kid));
            }
            return true;
        }
        }
    }

    void CompileSearchId(const YAML::Node& key, const YAML::Node& value, SearchId& id) {
        if (value.IsMap()) {
            id.groups.emplace_back();
            CompileMap(value, id.groups.back());
        } else if (value.IsSequence()) {
            std::vector<YAML::Node> keywords;
            for (const auto& el : value) {
                if (el.IsMap()) {
                    id.groups.emplace_back();
                    CompileMap(el, id.groups.back());
                } else if (el.IsScalar()) {
                    keywords.push_back(el);
                } else {
                    Add(DKind::Error, el, "detection.type",
                        "search identifier list items must be strings or mappings");
                }
            }
            if (!keywords.empty()) {
                FieldTest t;
                if (CompileValues(value, "", {}, keywords, t)) id.groups.push_back({std::move(t)});
            }
        } else if (value.IsScalar()) {
            FieldTest t;
            if (CompileValues(value, "", {}, {value}, t)) id.groups.push_back({std::move(t)});
        } else {
            Add(DKind::Error, key, "detection.empty", "search identifier '" + id.name +
                                                          "' has no value");
        }
    }

    void CompileMap(const YAML::Node& map, std::vector<FieldTest>& group) {
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!it->first.IsScalar()) {
                Add(DKind::Error, it->first, "detection.type", "field name must be a string");
                continue;
            }
            std::string key = it->first.Scalar();
            auto parts = Split(key, '|');
            std::string field(parts[0]);
            std::vector<std::string_view> mods(parts.begin() + 1, parts.end());
            std::vector<YAML::Node> values;
            const YAML::Node key_node = it->first; // iterator proxies are temporaries
            const YAML::Node v = it->second;
            if (v.IsSequence()) {
                for (const auto& el : v) values.push_back(el);
                if (values.empty()) {
                    Add(DKind::Error, key_node, "detection.empty",
                        "field '" + field + "' has an empty value list");
                    continue;
                }
            } else if (v.IsMap()) {
                Add(DKind::Error, key_node, "detection.type",
                    "value of '" + key + "' must be a scalar or a list, not a mapping");
                continue;
            } else {
                values.push_back(v);
            }
            FieldTest t;
            if (CompileValues(key_node, field, mods, values, t)) group.push_back(std::move(t));
        }
    }

    bool ParseMods(const YAML::Node& at, const std::vector<std::string_view>& names,
                   ModChain& mc) {
        bool ok = true;
        for (auto raw : names) {
            std::optional<Mod> mod;
            for (const auto& [n, m] : kModNames)
                if (IEquals(n, raw)) mod = m;
            if (!mod) {
                Add(DKind::Error, at, "modifier.unknown",
                    "unknown modifier '" + std::string(raw) + "'");
                ok = false;
                continue;
            }
            switch (*mod) {
            case Mod::All: mc.all = true; break;
            case Mod::Re: mc.re = true; break;
            case Mod::ReI: case Mod::ReM: case Mod::ReS:
                if (!mc.re) {
                    Add(DKind::Error, at, "modifier.combination",
                        "modifier '" + std::string(raw) + "' is only valid after 're'");
                    ok = false;
                }
                (*mod == Mod::ReI ? mc.re_i : *mod == Mod::ReM ? mc.re_m : mc.re_s) = true;
                break;
            case Mod::Cidr: mc.cidr = true; break;
            case Mod::Exists: mc.exists = true; break;
            case Mod::FieldRef: mc.fieldref = true; break;
            case Mod::Expand: mc.expand = true; break;
            case Mod::Cased: mc.cased = true; break;
            case Mod::Neq: mc.neq = true; break;
            case Mod::Gt: case Mod::Gte: case Mod::Lt: case Mod::Lte:
                if (mc.cmp) {
                    Add(DKind::Error, at, "modifier.combination",
                        "only one of gt/gte/lt/lte may be used");
                    ok = false;
                }
                mc.cmp = *mod == Mod::Gt ? CmpOp::Gt : *mod == Mod::Gte ? CmpOp::Gte
                         : *mod == Mod::Lt ? CmpOp::Lt : CmpOp::Lte;
                break;
            case Mod::Minute: mc.time = TimePart::Minute; break;
            case Mod::Hour: mc.time = TimePart::Hour; break;
            case Mod::Day: mc.time = TimePart::Day; break;
            case Mod::Week: mc.time = TimePart::Week; break;
            case Mod::Month: mc.time = TimePart::Month; break;
            case Mod::Year: mc.time = TimePart::Year; break;
            default: mc.transforms.push_back(*mod); break;
            }
        }
        if (!ok) return false;
        // Type modifiers exclude each other and the string transformations.
        int types = int(mc.re) + int(mc.cidr) + int(mc.exists) + int(mc.fieldref) +
                    int(mc.cmp.has_value() || mc.time != TimePart::None);
        auto bad = [&](const std::string& why) {
            Add(DKind::Error, at, "modifier.combination", why);
            return false;
        };
        if (types > 1) return bad("modifiers re, cidr, exists, fieldref and gt/gte/lt/lte/time "
                                  "parts cannot be combined");
        if ((mc.re || mc.cidr || mc.cmp || mc.time != TimePart::None || mc.exists) &&
            !mc.transforms.empty())
            return bad("string modifiers (contains, startswith, endswith, base64, utf16, "
                       "windash) cannot be combined with re, cidr, exists or numeric modifiers");
        if (mc.fieldref && mc.HasEncoding())
            return bad("fieldref can only be combined with contains, startswith, endswith, "
                       "cased and neq");
        if (mc.exists && (mc.all || mc.neq || mc.expand))
            return bad("exists cannot be combined with other modifiers");
        return true;
    }

    // Substitutes %placeholders% in raw (expand modifier). Appends every resulting raw value.
    bool Expand(const YAML::Node& at, const std::string& raw, std::vector<std::string>& out) {
        std::vector<std::string> acc(1);
        size_t i = 0;
        while (i < raw.size()) {
            char c = raw[i];
            if (c == '\\' && i + 1 < raw.size() && raw[i + 1] == '%') {
                for (auto& a : acc) a += '%';
                i += 2;
                continue;
            }
            size_t end = c == '%' ? raw.find('%', i + 1) : std::string::npos;
            if (end == std::string::npos) {
                for (auto& a : acc) a += c;
                ++i;
                continue;
            }
            std::string name = raw.substr(i + 1, end - i - 1);
            const std::vector<std::string>* values = nullptr;
            if (env_.placeholders)
                for (const auto& [k, v] : *env_.placeholders)
                    if (IEquals(k, name)) values = &v;
            if (!values) {
                Add(DKind::Unsupported, at, "placeholder.undefined",
                    "placeholder %" + name + "% has no value (give a placeholder config with "
                                             "--placeholders)");
                return false;
            }
            if (values->empty() || acc.size() * values->size() > kMaxVariants) {
                Add(DKind::Error, at, "placeholder.values",
                    "placeholder %" + name + "% expands to no value or too many values");
                return false;
            }
            std::vector<std::string> next;
            for (const auto& a : acc)
                for (const auto& v : *values) next.push_back(a + v);
            acc = std::move(next);
            i = end + 1;
        }
        out.insert(out.end(), acc.begin(), acc.end());
        return true;
    }

    static bool IsPlainScalar(const YAML::Node& n) { return n.Tag() == "?"; }

    static std::optional<double> ParseNumber(std::string_view s) {
        if (s.empty() || s.size() > 64) return std::nullopt;
        double d = 0;
        const char* first = s.data() + (s[0] == '+' ? 1 : 0);
        auto [p, ec] = std::from_chars(first, s.data() + s.size(), d);
        if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
        return d;
    }

    bool CompileValues(const YAML::Node& at, const std::string& field,
                       const std::vector<std::string_view>& mod_names,
                       const std::vector<YAML::Node>& values, FieldTest& t) {
        ModChain mc;
        if (!ParseMods(at, mod_names, mc)) return false;
        t.keyword = field.empty();
        if (!t.keyword) t.field = FieldPath::Parse(field);
        t.all = mc.all;
        t.neq = mc.neq;
        t.time_part = mc.time;
        auto bad = [&](const YAML::Node& n, std::string code, const std::string& why) {
            Add(DKind::Error, n, std::move(code), why);
            return false;
        };
        if (t.keyword && (mc.exists || mc.fieldref || mc.neq))
            return bad(at, "modifier.combination",
                       "exists, fieldref and neq need a field name");
        if (mc.all && values.size() == 1)
            Add(DKind::Warning, at, "modifier.all_single",
                "'all' on a single value is discouraged by the specification");

        if (mc.exists) {
            t.kind = FieldTest::Kind::Exists;
            if (values.size() != 1 || !values[0].IsScalar())
                return bad(at, "modifier.value", "exists takes a single true/false value");
            std::string s = ToLower(values[0].Scalar());
            if (s != "true" && s != "false" && s != "yes" && s != "no")
                return bad(values[0], "modifier.value", "exists takes true or false");
            t.exists = s == "true" || s == "yes";
            return true;
        }

        // Raw texts (after placeholder expansion); null values handled apart.
        struct RawValue {
            std::string text;
            YAML::Node node;
            bool plain;
        };
        std::vector<RawValue> raws;
        for (const auto& v : values) {
            if (v.IsNull()) {
                if (mc.re || mc.cidr || mc.cmp || mc.fieldref || !mc.transforms.empty() ||
                    mc.time != TimePart::None)
                    return bad(v, "modifier.value", "null cannot be used with modifiers");
                if (values.size() > 1)
                    Add(DKind::Warning, v, "value.null_in_list",
                        "null in a value list (the specification asks for its own selection)");
                t.match_null = true;
                continue;
            }
            if (!v.IsScalar()) return bad(v, "detection.type", "value must be a scalar");
            if (mc.expand) {
                std::vector<std::string> expanded;
                if (!Expand(v, v.Scalar(), expanded)) return false;
                for (auto& e : expanded) raws.push_back({std::move(e), v, false});
            } else {
                raws.push_back({v.Scalar(), v, IsPlainScalar(v)});
            }
        }

        if (mc.fieldref) {
            t.kind = FieldTest::Kind::FieldRef;
            if (raws.size() != 1) return bad(at, "modifier.value", "fieldref takes one field name");
            t.ref = FieldPath::Parse(raws[0].text);
            t.ref_cased = mc.cased;
            bool starts = false, ends = false;
            for (Mod m : mc.transforms) {
                if (m == Mod::Contains) starts = ends = true;
                if (m == Mod::StartsWith) starts = true;
                if (m == Mod::EndsWith) ends = true;
            }
            t.ref_op = starts && ends ? FieldTest::RefOp::Contains
                       : starts       ? FieldTest::RefOp::Prefix
                       : ends         ? FieldTest::RefOp::Suffix
                                      : FieldTest::RefOp::Equals;
            return true;
        }

        for (const auto& rv : raws) {
            if (mc.re) {
                RE2::Options opt;
                opt.set_log_errors(false);
                opt.set_case_sensitive(!mc.re_i);
                opt.set_dot_nl(mc.re_s);
                opt.set_max_mem(kMaxRegexMem);
                std::string pattern = mc.re_m ? "(?m)" + rv.text : rv.text;
                auto re = std::make_shared<const RE2>(pattern, opt);
                if (!re->ok())
                    return bad(rv.node, "regex.invalid",
                               "regular expression '" + rv.text + "' rejected by RE2 (no "
                               "backreferences or lookaround): " + re->error());
                Alt a;
                a.type = Alt::Type::Regex;
                a.re = std::move(re);
                // Case-insensitive RE2 also folds non-ASCII (K → KELVIN SIGN): no prefilter.
                if (!mc.re_i) a.re_literal = RegexRequiredLiteral(rv.text);
                t.alts.push_back(std::move(a));
            } else if (mc.cidr) {
                auto c = ParseCidr(Trim(rv.text));
                if (!c) return bad(rv.node, "cidr.invalid", "'" + rv.text + "' is not a CIDR");
                Alt a;
                a.type = Alt::Type::Cidr;
                a.cidr = *c;
                t.alts.push_back(std::move(a));
            } else if (mc.cmp || mc.time != TimePart::None) {
                auto n = ParseNumber(Trim(rv.text));
                if (!n)
                    return bad(rv.node, "modifier.value",
                               "'" + rv.text + "' is not a number (numeric modifier)");
                Alt a;
                a.type = Alt::Type::Number;
                a.op = mc.cmp.value_or(CmpOp::Eq);
                a.num = *n;
                t.alts.push_back(std::move(a));
            } else if (!AddStringAlts(rv.node, rv.text, rv.plain, mc, t)) {
                return false;
            }
        }
        if (t.alts.empty() && !t.match_null)
            return bad(at, "detection.empty", "no value to match");
        return true;
    }

    bool AddStringAlts(const YAML::Node& at, const std::string& raw, bool plain,
                       const ModChain& mc, FieldTest& t) {
        std::vector<SigmaString> vals{SigmaString::Parse(raw)};
        for (Mod m : mc.transforms) {
            std::vector<SigmaString> next;
            for (auto& v : vals) {
                switch (m) {
                case Mod::Contains: v.PrependStar(); v.AppendStar(); next.push_back(v); break;
                case Mod::StartsWith: v.AppendStar(); next.push_back(v); break;
                case Mod::EndsWith: v.PrependStar(); next.push_back(v); break;
                case Mod::Base64:
                case Mod::Base64Offset: {
                    if (v.HasWildcards()) {
                        Add(DKind::Error, at, "modifier.combination",
                            "base64 modifiers need a value without wildcards (put contains "
                            "after base64offset)");
                        return false;
                    }
                    if (m == Mod::Base64) {
                        next.push_back(SigmaString::Literal(Base64Encode(v.LiteralText())));
                    } else {
                        for (auto& s : Base64OffsetVariants(v.LiteralText()))
                            next.push_back(SigmaString::Literal(s));
                    }
                    break;
                }
                case Mod::Utf16Le: case Mod::Utf16Be: case Mod::Utf16: {
                    SigmaString enc;
                    bool first = true;
                    for (const auto& p : v.pieces) {
                        if (p.kind != SigmaPiece::Kind::Text) {
                            enc.pieces.push_back(p);
                            continue;
                        }
                        auto r = Utf16Encode(p.text, m == Mod::Utf16Be, m == Mod::Utf16 && first);
                        if (!r.ok()) {
                            Add(DKind::Error, at, r.error().code, r.error().message);
                            return false;
                        }
                        enc.AppendText(r.value());
                        first = false;
                    }
                    next.push_back(std::move(enc));
                    break;
                }
                case Mod::Windash: {
                    auto r = WindashVariants(v, kMaxVariants);
                    if (!r.ok()) {
                        Add(DKind::Error, at, r.error().code, r.error().message);
                        return false;
                    }
                    for (auto& s : r.value()) next.push_back(std::move(s));
                    break;
                }
                default: break;
                }
            }
            if (next.size() > kMaxVariants) {
                Add(DKind::Error, at, "modifier.values", "value expands to too many variants");
                return false;
            }
            vals = std::move(next);
        }
        // Keywords search the whole event: a plain keyword is a substring.
        if (t.keyword && !mc.HasPosition())
            for (auto& v : vals) {
                v.PrependStar();
                v.AppendStar();
            }
        std::optional<double> num;
        if (plain && !t.keyword && mc.transforms.empty()) num = ParseNumber(raw);
        for (const auto& v : vals) {
            Alt a;
            a.type = Alt::Type::String;
            a.str = StringPattern::Compile(v, mc.cased);
            a.num_eq = num;
            t.alts.push_back(std::move(a));
        }
        return true;
    }

    const CompileEnv& env_;
    std::vector<Diagnostic>& diags_;
    bool failed_ = false;
};

// ---------------------------------------------------------------------------------------------
// Matcher

bool Compare(double x, CmpOp op, double v) {
    switch (op) {
    case CmpOp::Eq: return x == v;
    case CmpOp::Gt: return x > v;
    case CmpOp::Gte: return x >= v;
    case CmpOp::Lt: return x < v;
    case CmpOp::Lte: return x <= v;
    }
    return false;
}

std::optional<double> ExtractTimePart(std::string_view text, TimePart part) {
    auto ms = ParseIsoTime(text);
    if (!ms) return std::nullopt;
    int64_t secs = *ms >= 0 ? *ms / 1000 : (*ms - 999) / 1000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t sod = secs - days * 86400;
    // Civil date from days (Howard Hinnant's algorithm).
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
    switch (part) {
    case TimePart::Minute: return double((sod / 60) % 60);
    case TimePart::Hour: return double(sod / 3600);
    case TimePart::Day: return double(d);
    case TimePart::Month: return double(m);
    case TimePart::Year: return double(y);
    case TimePart::Week: {
        // ISO 8601 week number.
        int64_t wday = ((days % 7) + 7 + 3) % 7; // Monday = 0 (1970-01-01 was a Thursday)
        int64_t thursday = days - wday + 3;
        int64_t jan1 = DaysFromCivil(y, 1, 1);
        int64_t ty = y;
        if (thursday < jan1) --ty;
        else if (thursday >= DaysFromCivil(y + 1, 1, 1)) ++ty;
        return double((thursday - DaysFromCivil(ty, 1, 1)) / 7 + 1);
    }
    case TimePart::None: break;
    }
    return std::nullopt;
}

} // namespace

std::string RegexRequiredLiteral(std::string_view p) {
    if (p.find('|') != std::string_view::npos) return {};
    // Inline flags ((?i) …) may change how the rest matches; plain groups ((?: (?P<) do not.
    for (size_t at = p.find("(?"); at != std::string_view::npos; at = p.find("(?", at + 2))
        if (at + 2 >= p.size() || (p[at + 2] != ':' && p[at + 2] != 'P')) return {};
    auto plain = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view(" :/_-=@,;'\"<>!%&#~`").find(c) != std::string_view::npos;
    };
    std::string best, run;
    auto close = [&](char next) {
        // A quantifier that allows zero repetitions makes the run's last character optional.
        if (!run.empty() && (next == '?' || next == '*' || next == '{')) run.pop_back();
        if (run.size() > best.size()) best = run;
        run.clear();
    };
    int depth = 0;
    for (size_t i = 0; i < p.size(); ++i) {
        char c = p[i];
        if (c == '\\') { // an escape: the run ends; skip the escaped character
            close('\0');
            ++i;
            continue;
        }
        if (c == '[') { // a class: skip to its end (a ']' first in the class is literal)
            close('\0');
            size_t j = i + 1;
            if (j < p.size() && p[j] == '^') ++j;
            if (j < p.size() && p[j] == ']') ++j;
            while (j < p.size() && p[j] != ']') j += p[j] == '\\' ? 2 : 1;
            i = j;
            continue;
        }
        if (c == '(') {
            close('\0');
            ++depth;
            continue;
        }
        if (c == ')') {
            close('\0');
            if (--depth < 0) return {};
            continue;
        }
        if (depth == 0 && plain(c)) {
            run += c;
            continue;
        }
        close(c);
        if (c == '{') { // a repetition count: its digits are not text
            size_t end = p.find('}', i);
            if (end == std::string_view::npos) break;
            i = end;
        }
    }
    close('\0');
    return best.size() >= 3 ? best : std::string();
}

namespace {

// The regex of a, after a cheap check for the literal its matches must contain.
bool RegexMatch(const Alt& a, std::string_view text) {
    if (!a.re_literal.empty() && text.find(a.re_literal) == std::string_view::npos) return false;
    return RE2::PartialMatch(text, *a.re);
}

bool TestText(const Alt& a, std::string_view text, EvalScratch& s) {
    switch (a.type) {
    case Alt::Type::String: return a.str.Match(text, s.fold);
    case Alt::Type::Regex: return RegexMatch(a, text);
    default: return false;
    }
}

bool TestAlt(const Alt& a, const Value& v, TimePart part, EvalScratch& s) {
    if (!v.IsScalar() || v.type == ValueType::Null) return false;
    if (part != TimePart::None) {
        auto x = ExtractTimePart(v.Text(s.text), part);
        return x && Compare(*x, a.op, a.num);
    }
    switch (a.type) {
    case Alt::Type::String: {
        if (a.str.Match(v.Text(s.text), s.fold)) return true;
        double x;
        return a.num_eq && v.AsDouble(x) && x == *a.num_eq;
    }
    case Alt::Type::Regex: return RegexMatch(a, v.Text(s.text));
    case Alt::Type::Cidr: {
        auto ip = ParseIp(Trim(v.Text(s.text)));
        return ip && CidrContains(a.cidr, *ip);
    }
    case Alt::Type::Number: {
        double x;
        return v.AsDouble(x) && Compare(x, a.op, a.num);
    }
    }
    return false;
}

// Calls fn with each object/array element found at parts[idx..] below e.
template <typename Fn>
void ForEachContainer(simdjson::dom::element e, const std::vector<std::string>& parts, size_t idx,
                      int depth, Fn&& fn) {
    using simdjson::dom::element_type;
    if (depth > 64) return;
    if (idx == parts.size()) {
        if (e.type() == element_type::OBJECT) {
            fn(e);
        } else if (e.type() == element_type::ARRAY) {
            for (auto child : simdjson::dom::array(e))
                if (child.type() == element_type::OBJECT || child.type() == element_type::ARRAY)
                    fn(child);
        }
        return;
    }
    if (e.type() == element_type::ARRAY) {
        for (auto child : simdjson::dom::array(e))
            ForEachContainer(child, parts, idx, depth + 1, fn);
        return;
    }
    if (e.type() != element_type::OBJECT) return;
    simdjson::dom::element child;
    if (simdjson::dom::object(e).at_key(parts[idx]).get(child) != simdjson::SUCCESS) return;
    ForEachContainer(child, parts, idx + 1, depth + 1, fn);
}

// Whether any value of t.field matches any of alts[first, last). found reports presence.
bool FieldMatches(const FieldTest& t, const Event& ev, EvalScratch& s, size_t first, size_t last,
                  bool& found) {
    bool matched = false, saw_container = false;
    found = ev.Find(t.field, [&](const Value& v) {
        if (v.type == ValueType::Null) {
            if (t.match_null) matched = true;
            return !matched;
        }
        if (!v.IsScalar()) {
            saw_container = true;
            return true;
        }
        for (size_t i = first; i < last && !matched; ++i)
            matched = TestAlt(t.alts[i], v, t.time_part, s);
        return !matched;
    });
    if (!found && t.match_null) return true;
    if (matched || !saw_container || t.time_part != TimePart::None) return matched;
    // String tests against an object: match its JSON text (CloudTrail requestParameters …).
    const auto* json = dynamic_cast<const JsonEvent*>(&ev);
    if (!json) return false;
    ForEachContainer(json->root(), t.field.parts, 0, 0, [&](simdjson::dom::element e) {
        if (matched) return;
        s.json = simdjson::minify(e);
        for (size_t i = first; i < last && !matched; ++i) matched = TestText(t.alts[i], s.json, s);
    });
    return matched;
}

bool RefMatch(FieldTest::RefOp op, bool cased, std::string_view v, std::string_view ref) {
    auto eq = [&](std::string_view a, std::string_view b) { return cased ? a == b : IEquals(a, b); };
    switch (op) {
    case FieldTest::RefOp::Equals: return eq(v, ref);
    case FieldTest::RefOp::Prefix: return v.size() >= ref.size() && eq(v.substr(0, ref.size()), ref);
    case FieldTest::RefOp::Suffix:
        return v.size() >= ref.size() && eq(v.substr(v.size() - ref.size()), ref);
    case FieldTest::RefOp::Contains:
        return cased ? v.find(ref) != std::string_view::npos : IContains(v, ref);
    }
    return false;
}

bool EvalTest(const FieldTest& t, const Event& ev, EvalScratch& s) {
    switch (t.kind) {
    case FieldTest::Kind::Exists: {
        bool found = ev.Find(t.field, [](const Value&) { return false; });
        return found == t.exists;
    }
    case FieldTest::Kind::FieldRef: {
        s.refs.clear();
        ev.Find(t.ref, [&](const Value& v) {
            if (v.IsScalar() && v.type != ValueType::Null) s.refs.emplace_back(v.Text(s.text));
            return s.refs.size() < 64;
        });
        bool matched = false;
        bool found = ev.Find(t.field, [&](const Value& v) {
            if (!v.IsScalar() || v.type == ValueType::Null) return true;
            std::string_view text = v.Text(s.text);
            for (const auto& r : s.refs)
                if (RefMatch(t.ref_op, t.ref_cased, text, r)) matched = true;
            return !matched;
        });
        if (t.neq) return found && !s.refs.empty() && !matched;
        return matched;
    }
    case FieldTest::Kind::Match: break;
    }
    if (t.keyword) {
        auto any_leaf = [&](size_t first, size_t last) {
            bool m = false;
            ev.ForEachLeaf([&](const Value& v) {
                for (size_t i = first; i < last && !m; ++i) m = TestAlt(t.alts[i], v, t.time_part, s);
                return !m;
            });
            return m;
        };
        if (!t.all) return any_leaf(0, t.alts.size());
        for (size_t i = 0; i < t.alts.size(); ++i)
            if (!any_leaf(i, i + 1)) return false;
        return true;
    }
    bool found = false;
    if (t.all) {
        for (size_t i = 0; i < t.alts.size(); ++i)
            if (!FieldMatches(t, ev, s, i, i + 1, found)) return t.neq && found;
        return !t.neq;
    }
    bool matched = FieldMatches(t, ev, s, 0, t.alts.size(), found);
    if (t.neq) return found && !matched;
    return matched;
}

bool EvalId(const Detection& d, int i, const Event& ev, EvalScratch& s) {
    int8_t& m = s.memo[size_t(i)];
    if (m >= 0) return m == 1;
    bool result = false;
    for (const auto& group : d.ids[size_t(i)].groups) {
        bool all = true;
        for (const auto& t : group)
            if (!EvalTest(t, ev, s)) {
                all = false;
                break;
            }
        if (all) {
            result = true;
            break;
        }
    }
    m = result ? 1 : 0;
    return result;
}

bool EvalNode(const Detection& d, const CondNode& n, const Event& ev, EvalScratch& s) {
    switch (n.op) {
    case CondNode::Op::Ident: return EvalId(d, n.ident, ev, s);
    case CondNode::Op::And:
        for (const auto& k : n.kids)
            if (!EvalNode(d, k, ev, s)) return false;
        return true;
    case CondNode::Op::Or:
        for (const auto& k : n.kids)
            if (EvalNode(d, k, ev, s)) return true;
        return false;
    case CondNode::Op::Not: return !EvalNode(d, n.kids[0], ev, s);
    case CondNode::Op::Of: {
        int hits = 0;
        int remaining = int(n.kids.size());
        for (const auto& k : n.kids) {
            if (EvalNode(d, k, ev, s)) ++hits;
            --remaining;
            if (hits >= n.count) return true;
            if (hits + remaining < n.count) return false;
        }
        return false;
    }
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// Index analysis

using ValueSet = std::optional<std::set<std::string>>;

ValueSet ForId(const SearchId& id, std::string_view field) {
    std::set<std::string> out;
    if (id.groups.empty()) return std::nullopt;
    for (const auto& group : id.groups) {
        bool have = false;
        for (const auto& t : group) {
            if (t.kind != FieldTest::Kind::Match || t.keyword || t.all || t.neq || t.match_null ||
                t.time_part != TimePart::None || t.alts.empty() || t.field.full != field)
                continue;
            bool eq = std::all_of(t.alts.begin(), t.alts.end(), [](const Alt& a) {
                return a.type == Alt::Type::String && a.str.IsEquality();
            });
            if (!eq) continue;
            for (const auto& a : t.alts) out.insert(ToLower(a.str.text()));
            have = true;
            break;
        }
        if (!have) return std::nullopt;
    }
    return out;
}

ValueSet ForNode(const Detection& d, const CondNode& n, std::string_view field) {
    auto any_of_kids = [&]() -> ValueSet {
        std::set<std::string> out;
        for (const auto& k : n.kids) {
            auto r = ForNode(d, k, field);
            if (!r) return std::nullopt;
            out.insert(r->begin(), r->end());
        }
        return out;
    };
    auto all_of_kids = [&]() -> ValueSet {
        ValueSet best;
        for (const auto& k : n.kids) {
            auto r = ForNode(d, k, field);
            if (r && (!best || r->size() < best->size())) best = std::move(r);
        }
        return best;
    };
    switch (n.op) {
    case CondNode::Op::Ident: return ForId(d.ids[size_t(n.ident)], field);
    case CondNode::Op::And: return all_of_kids();
    case CondNode::Op::Or: return any_of_kids();
    case CondNode::Op::Not: return std::nullopt;
    case CondNode::Op::Of:
        return size_t(n.count) >= n.kids.size() ? all_of_kids() : any_of_kids();
    }
    return std::nullopt;
}

} // namespace

Diagnostic MakeDiag(Diagnostic::Kind kind, const std::string& file, const YAML::Node& node,
                    const std::string& rule_title, std::string code, std::string message) {
    Diagnostic d;
    d.kind = kind;
    d.file = file;
    if (node.IsDefined()) {
        auto mark = node.Mark();
        d.line = mark.line >= 0 ? mark.line + 1 : 0;
        d.column = mark.column >= 0 ? mark.column + 1 : 0;
    }
    d.rule_title = rule_title;
    d.code = std::move(code);
    d.message = std::move(message);
    return d;
}

std::shared_ptr<const Detection> CompileDetection(const YAML::Node& section,
                                                  const CompileEnv& env,
                                                  std::vector<Diagnostic>& diags) {
    return Compiler(env, diags).Run(section);
}

bool Evaluate(const Detection& d, const Event& ev, EvalScratch& scratch) {
    scratch.memo.assign(d.ids.size(), -1);
    for (const auto& c : d.conditions)
        if (EvalNode(d, c, ev, scratch)) return true;
    return false;
}

std::optional<std::vector<std::string>> RequiredValues(const Detection& d,
                                                       std::string_view field) {
    std::set<std::string> out;
    if (d.conditions.empty()) return std::nullopt;
    for (const auto& c : d.conditions) {
        auto r = ForNode(d, c, field);
        if (!r) return std::nullopt;
        out.insert(r->begin(), r->end());
    }
    return std::vector<std::string>(out.begin(), out.end());
}

} // namespace cloudsift::sigma::detail
