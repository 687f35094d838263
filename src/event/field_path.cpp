#include "event/field_path.h"

namespace cloudsift {

FieldPath FieldPath::Parse(std::string_view name) {
    FieldPath p;
    p.full = std::string(name);
    size_t start = 0;
    while (true) {
        size_t dot = name.find('.', start);
        p.parts.emplace_back(name.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return p;
}

} // namespace cloudsift
