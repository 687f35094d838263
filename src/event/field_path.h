// FieldPath: a dotted field name from a rule, split once at compile time.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace cloudsift {

//! A field reference such as "userIdentity.sessionContext.sessionIssuer.userName".
struct FieldPath {
    std::string full;               //!< as written in the rule
    std::vector<std::string> parts; //!< split on '.'

    //! Splits name on dots ("a.b.c" → {a,b,c}); a name without dots has one part.
    static FieldPath Parse(std::string_view name);
};

} // namespace cloudsift
