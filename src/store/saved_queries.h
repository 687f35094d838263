// Saved investigative queries: queries/*.sql files with a header of "-- key: value" comment lines.
//
// Header grammar (leading comment lines, in any order, before the first non-comment line):
//   -- name: <identifier>          required, [a-z0-9_-]+
//   -- description: <text>         one line
//   -- params: <p1>, <p2> …        optional; the body refers to {{p1}} …
// The body is the rest of the file; {{p}} is replaced by the SQL string literal of the value.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace cloudsift::store {

//! One saved query.
struct SavedQuery {
    std::string name, description, path, sql;
    std::vector<std::string> params;
};

//! Parses one saved query file's text (path is for messages).
Result<SavedQuery> ParseSavedQuery(const std::string& text, const std::string& path);

//! Loads every *.sql under dir, sorted by name; unreadable or malformed files go to errors.
std::vector<SavedQuery> LoadSavedQueries(const std::string& dir, std::vector<std::string>& errors);

//! The saved query directory: $CLOUDSIFT_QUERIES, queries/ next to the binary's share, or the
//! source tree's queries/.
std::string SavedQueriesDir();

//! The query's SQL with every {{param}} replaced by a quoted literal; missing values are errors.
Result<std::string> BindSavedQuery(const SavedQuery& q, const std::map<std::string, std::string>& values);

} // namespace cloudsift::store
