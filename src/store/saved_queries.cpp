#include "store/saved_queries.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/strings.h"
#include "store/db.h"

namespace cloudsift::store {
namespace fs = std::filesystem;

Result<SavedQuery> ParseSavedQuery(const std::string& text, const std::string& path) {
    SavedQuery q;
    q.path = path;
    std::istringstream in(text);
    std::string line, body;
    bool header = true;
    while (std::getline(in, line)) {
        std::string_view t = Trim(line);
        if (header && StartsWith(t, "--")) {
            std::string_view kv = Trim(t.substr(2));
            size_t colon = kv.find(':');
            if (colon != std::string_view::npos) {
                std::string key = ToLower(Trim(kv.substr(0, colon)));
                std::string value(Trim(kv.substr(colon + 1)));
                if (key == "name") q.name = value;
                else if (key == "description") q.description = value;
                else if (key == "params")
                    for (auto p : Split(value, ','))
                        if (!Trim(p).empty()) q.params.emplace_back(Trim(p));
            }
            continue;
        }
        if (header && t.empty()) continue;
        header = false;
        body += line;
        body += '\n';
    }
    if (q.name.empty()) return Error{"query.header", path + ": missing '-- name:' header"};
    for (char c : q.name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
            return Error{"query.header", path + ": bad query name '" + q.name + "'"};
    if (Trim(body).empty()) return Error{"query.body", path + ": no SQL"};
    q.sql = body;
    return q;
}

std::vector<SavedQuery> LoadSavedQueries(const std::string& dir, std::vector<std::string>& errors) {
    std::vector<SavedQuery> out;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(dir, ec)) {
        if (e.path().extension() != ".sql") continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        auto q = ParseSavedQuery(ss.str(), e.path().string());
        if (q) out.push_back(std::move(q.value()));
        else errors.push_back(q.error().message);
    }
    if (ec) errors.push_back("cannot list " + dir + ": " + ec.message());
    std::sort(out.begin(), out.end(),
              [](const SavedQuery& a, const SavedQuery& b) { return a.name < b.name; });
    return out;
}

std::string SavedQueriesDir() {
    if (const char* env = std::getenv("CLOUDSIFT_QUERIES"); env && *env) return env;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (fs::path p : {exe.parent_path() / "queries", exe.parent_path().parent_path() /
                                                              "share/cloudsift/queries"})
            if (fs::is_directory(p, ec)) return p.string();
    }
    return std::string(CLOUDSIFT_SOURCE_DIR) + "/queries";
}

Result<std::string> BindSavedQuery(const SavedQuery& q,
                                   const std::map<std::string, std::string>& values) {
    std::string out;
    const std::string& s = q.sql;
    size_t i = 0;
    while (i < s.size()) {
        size_t open = s.find("{{", i);
        if (open == std::string::npos) {
            out.append(s, i, std::string::npos);
            break;
        }
        size_t close = s.find("}}", open + 2);
        if (close == std::string::npos) return Error{"query.param", q.name + ": unclosed {{"};
        out.append(s, i, open - i);
        std::string key(Trim(std::string_view(s).substr(open + 2, close - open - 2)));
        auto it = values.find(key);
        if (it == values.end())
            return Error{"query.param", "query " + q.name + " needs --param " + key + "=VALUE"};
        out += SqlQuote(it->second);
        i = close + 2;
    }
    return out;
}

} // namespace cloudsift::store
