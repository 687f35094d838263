#include "common/yaml_syntax.h"

#include <yaml.h>

#include <algorithm>

#include "common/yaml_hazard.h"

namespace cloudsift {
namespace {

// 1-based line and column of a byte offset into text (libyaml's reader errors carry only that).
YamlSyntaxError AtOffset(std::string_view text, size_t offset, std::string message) {
    offset = std::min(offset, text.size());
    const std::string_view before = text.substr(0, offset);
    const size_t line = size_t(std::count(before.begin(), before.end(), '\n')) + 1;
    const size_t last_lf = before.rfind('\n');
    const size_t column = last_lf == std::string_view::npos ? offset + 1 : offset - last_lf;
    return {line, column, std::move(message)};
}

YamlSyntaxError FromParser(const yaml_parser_t& p, std::string_view text) {
    std::string message = p.problem ? p.problem : "invalid YAML";
    if (p.error == YAML_READER_ERROR)
        return AtOffset(text, p.problem_offset, std::move(message));
    if (p.context)
        message += std::string(" (") + p.context + " at line " +
                   std::to_string(p.context_mark.line + 1) + ")";
    return {p.problem_mark.line + 1, p.problem_mark.column + 1, std::move(message)};
}

} // namespace

std::optional<YamlSyntaxError> YamlSyntaxProblem(std::string_view text) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return YamlSyntaxError{1, 0, "cannot start the YAML parser"};
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    std::optional<YamlSyntaxError> error;
    size_t depth = 0;
    for (bool end = false; !end && !error;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            error = FromParser(parser, text);
            break;
        }
        switch (event.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > kMaxYamlDepth)
                error = YamlSyntaxError{event.start_mark.line + 1, event.start_mark.column + 1,
                                        "sequences and mappings nested more than " +
                                            std::to_string(kMaxYamlDepth) + " deep"};
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            --depth;
            break;
        case YAML_STREAM_END_EVENT:
            end = true;
            break;
        default:
            break;
        }
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    return error;
}

std::optional<YamlSyntaxError> YamlRefusal(std::string_view text) {
    if (auto line = YamlParserHazard(text))
        return YamlSyntaxError{*line, 0, kYamlHazardMessage};
    return YamlSyntaxProblem(text);
}

} // namespace cloudsift
