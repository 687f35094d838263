// Helpers shared by the commands that read a case (entity, lineage, query, summary, timeline).
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "store/case_store.h"
#include "store/render.h"

namespace cloudsift::cli {

//! The --format value as a render format (throws CLI::ValidationError for anything else).
store::RenderFormat RenderFormatArg(const std::string& format);

//! Rows a terminal table shows at most (every width must be known before its first line);
//! the other formats stream every row.
inline constexpr size_t kTableRowsShown = 10000;

//! Opens the case in dir read-only; on failure prints why on stderr and returns nullptr.
std::unique_ptr<store::CaseStore> OpenCaseForReading(const std::string& dir);

} // namespace cloudsift::cli
