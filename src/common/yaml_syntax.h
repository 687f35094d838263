// The gate in front of yaml-cpp: text is first read by libyaml, the reference C parser, which
// survives hostile input in linear time (yaml-cpp 0.7 loops forever on some malformed text, see
// yaml_hazard.h). Only text libyaml parses without error, nested no deeper than kMaxYamlDepth,
// is handed to yaml-cpp; anything else is refused with libyaml's position and problem.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cloudsift {

//! Why a YAML text is refused before yaml-cpp sees it, and where (1-based; column 0 = unknown).
struct YamlSyntaxError {
    size_t line = 0;
    size_t column = 0;
    std::string message;
};

//! Most sequences and mappings one inside another that a YAML text may nest (yaml-cpp recurses).
inline constexpr size_t kMaxYamlDepth = 1000;

//! Runs libyaml's event parser over every document of text: nullopt when it is well-formed
//! YAML nested at most kMaxYamlDepth deep, else libyaml's line, column, problem and context.
std::optional<YamlSyntaxError> YamlSyntaxProblem(std::string_view text);

//! YamlParserHazard (cheap, column 0) then YamlSyntaxProblem: nullopt when yaml-cpp may parse
//! text, else the first reason it may not.
std::optional<YamlSyntaxError> YamlRefusal(std::string_view text);

} // namespace cloudsift
