// Inputs the YAML library cannot survive: yaml-cpp 0.7 loops forever (and grows memory) on a ','
// at the top level of a document whose root is a flow node ("[1],", "\"s\",", "{a: 1} [2],").
// Such text is never valid YAML; callers refuse it before parsing.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace cloudsift {

//! 1-based line of a top-level ',' in a document whose root is a flow node or a quoted scalar
//! (text the YAML parser would hang on); nullopt when the text is free of that hazard.
std::optional<size_t> YamlParserHazard(std::string_view text);

} // namespace cloudsift
