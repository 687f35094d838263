// Parser for the Sigma detection condition (sigma-rules-specification "Condition").
//
// Grammar (keywords are case-insensitive; precedence from loosest to tightest: or, and, not,
// "x of", parentheses):
//   condition  := or_expr END
//   or_expr    := and_expr { "or" and_expr }
//   and_expr   := not_expr { "and" not_expr }
//   not_expr   := "not" not_expr | primary
//   primary    := "(" or_expr ")" | quantified | IDENT
//   quantified := ( "all" | "any" | NUMBER ) "of" ( "them" | PATTERN )
//   IDENT      := [A-Za-z0-9_.-]+            -- a search identifier
//   PATTERN    := [A-Za-z0-9_.*-]+           -- search identifiers, '*' matching any run
// A '|' (the obsolete aggregation syntax "sel | count() > 5", "sel1 | near sel2") is reported as
// unsupported; correlation rules replace it. "1 of" and "any of" are the same.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace cloudsift::sigma {

//! A parsed condition expression; identifiers are still names (resolved by the compiler).
struct CondExpr {
    enum class Op { Ident, And, Or, Not, Of };
    Op op = Op::Ident;
    std::string name;   //!< Ident: identifier; Of: pattern ("them" for all identifiers)
    int count = 1;      //!< Of: how many must hold; -1 = all
    std::vector<CondExpr> kids;
};

//! Parses condition text. Error codes: "condition.syntax", "condition.aggregation" (obsolete
//! pipe syntax, an unsupported feature rather than a mistake).
Result<CondExpr> ParseCondition(std::string_view text);

//! Whether name matches pattern, where '*' matches any run of characters (case-sensitive).
bool IdentifierMatches(std::string_view pattern, std::string_view name);

} // namespace cloudsift::sigma
