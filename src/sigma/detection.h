// Compiled Sigma detection: search identifiers (OR of AND-groups of field tests) plus the
// condition tree over them. Built once by CompileDetection, immutable, evaluated concurrently
// with a per-thread EvalScratch.
#pragma once
#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "event/event.h"
#include "event/field_path.h"
#include "sigma/rule_set.h"
#include "sigma/value_pattern.h"

namespace re2 {
class RE2;
}

namespace cloudsift::sigma::detail {

//! Comparison of a number extracted from the event against the rule's value.
enum class CmpOp : uint8_t { Eq, Gt, Gte, Lt, Lte };

//! Date part extracted by the time modifiers (minute … year).
enum class TimePart : uint8_t { None, Minute, Hour, Day, Week, Month, Year };

//! One alternative value of a field test.
struct Alt {
    enum class Type : uint8_t { String, Regex, Cidr, Number };
    Type type = Type::String;
    StringPattern str;                   //!< String
    std::optional<double> num_eq;        //!< String: plain YAML number, also equal numerically
    std::shared_ptr<const re2::RE2> re;  //!< Regex
    std::string re_literal;              //!< Regex: text every match contains ("" = unknown)
    Cidr cidr;                           //!< Cidr
    CmpOp op = CmpOp::Eq;                //!< Number
    double num = 0;                      //!< Number
};

//! A literal every match of the (case-sensitive) RE2 pattern contains, or "" when none is
//! certain: the longest run of plain characters in the pattern's top-level sequence, for
//! patterns without alternation or inline flags.
std::string RegexRequiredLiteral(std::string_view pattern);

//! One "field|modifiers: values" item (or a keyword list when keyword is set).
struct FieldTest {
    enum class Kind : uint8_t { Match, Exists, FieldRef };
    Kind kind = Kind::Match;
    bool keyword = false;    //!< search every scalar leaf instead of one field
    FieldPath field;
    bool all = false;        //!< every alternative must match (the `all` modifier)
    bool neq = false;        //!< field present and equal to none of the alternatives
    bool exists = true;      //!< Exists: expected presence
    bool match_null = false; //!< a `null` value: matches an absent or null field
    TimePart time_part = TimePart::None;
    std::vector<Alt> alts;
    // FieldRef: compare with the values of another field.
    FieldPath ref;
    enum class RefOp : uint8_t { Equals, Prefix, Suffix, Contains } ref_op = RefOp::Equals;
    bool ref_cased = false;
};

//! A search identifier: OR over groups, each group an AND of tests.
struct SearchId {
    std::string name;
    std::vector<std::vector<FieldTest>> groups;
};

//! The condition with identifiers resolved to indices into Detection::ids.
struct CondNode {
    enum class Op : uint8_t { Ident, And, Or, Not, Of };
    Op op = Op::Ident;
    int ident = -1;
    int count = 1; //!< Of: how many kids must hold
    std::vector<CondNode> kids;
};

//! A compiled detection section.
struct Detection {
    std::vector<SearchId> ids;
    std::vector<CondNode> conditions; //!< a condition list is OR-ed
};

//! Mutable state of one evaluation thread.
struct EvalScratch {
    std::vector<int8_t> memo; //!< per identifier: -1 unknown, 0 false, 1 true
    std::string fold;
    std::string text;
    std::string json;
    std::vector<std::string> refs;
};

//! Placeholder name (without '%') → values, for the expand modifier.
using Placeholders = std::map<std::string, std::vector<std::string>>;

//! Inputs of the compiler besides the YAML node.
struct CompileEnv {
    std::string file;
    std::string rule_title;
    const Placeholders* placeholders = nullptr;
    std::vector<std::string> skip_keys; //!< keys of the section that are not search identifiers
};

//! Compiles a detection (or filter) section; appends diagnostics; nullptr when any Error or
//! Unsupported diagnostic was raised.
std::shared_ptr<const Detection> CompileDetection(const YAML::Node& section,
                                                  const CompileEnv& env,
                                                  std::vector<Diagnostic>& diags);

//! Evaluates the detection against ev.
bool Evaluate(const Detection& d, const Event& ev, EvalScratch& scratch);

//! Lower-cased literal values one of which field must equal whenever the detection matches
//! (derived from top-level AND-ed equality tests); nullopt when no such set exists.
std::optional<std::vector<std::string>> RequiredValues(const Detection& d,
                                                       std::string_view field);

//! A diagnostic located at node's mark.
Diagnostic MakeDiag(Diagnostic::Kind kind, const std::string& file, const YAML::Node& node,
                    const std::string& rule_title, std::string code, std::string message);

} // namespace cloudsift::sigma::detail
