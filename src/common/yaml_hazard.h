// Inputs the YAML library cannot survive: yaml-cpp 0.7 loops forever (and grows memory) on a ','
// at the top level of a document whose root is a flow node ("[1],", "\"s\",", "{a: 1} [2],"),
// and on a line starting with ',' after a root sequence or scalar ("- a\n,", "a #c\n,",
// "|\n a\n,"), and on control characters ("\0,") or bytes that are not UTF-8. Such text is never a
// rule (most of it not even valid YAML); YamlRefusal (yaml_syntax.h) refuses it before libyaml
// and yaml-cpp parse anything.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace cloudsift {

//! 1-based line of a top-level ',' in a document whose root is a flow node or a quoted scalar,
//! or of a line starting with ',' in one whose root is a block sequence or scalar, or of the
//! first control character other than tab, LF and CR, or of the first line that is not UTF-8
//! (text the YAML parser would hang on);
//! nullopt when the text is free of that hazard.
std::optional<size_t> YamlParserHazard(std::string_view text);

//! The error reported for the line YamlParserHazard names.
inline constexpr const char* kYamlHazardMessage =
    "text the YAML parser would hang on (a ',' after a document's top-level value, a control "
    "character, or bytes that are not UTF-8)";

} // namespace cloudsift
