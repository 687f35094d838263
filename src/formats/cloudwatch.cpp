#include "formats/cloudwatch.h"

#include <map>
#include <optional>
#include <string>

#include "common/strings.h"
#include "formats/format_base.h"
#include "formats/text_util.h"

namespace cloudsift {
namespace {

using namespace formats;
using simdjson::dom::element;

constexpr size_t kMaxGroups = 1024;

class CloudWatchDecoder final : public FileDecoder {
public:
    explicit CloudWatchDecoder(const FileInfo& info) : info_(info) {}

    void Feed(std::string_view data, uint64_t first_line, RecordFn emit,
              DecodeReport& report) override {
        size_t lead = data.find_first_not_of(" \t\r\n");
        if (lead == std::string_view::npos) return;
        if (data[lead] != '{' && data[lead] != '[') {
            FeedExport(data, first_line, emit, report);
            return;
        }
        uint64_t line = first_line;
        size_t counted = 0;
        ForEachJsonDocument(data, kMaxJsonDocument,
                            [&](std::string_view doc, uint64_t offset, bool garbage) {
            for (; counted < offset; ++counted)
                if (data[counted] == '\n') ++line;
            element root;
            if (garbage || parser_.parse(doc.data(), doc.size()).get(root) != simdjson::SUCCESS) {
                report.Bad(line, "cloudwatch.json", doc);
                return;
            }
            Envelope(root, line, emit, report);
        });
    }

    void Finish(RecordFn emit, DecodeReport& report) override {
        for (auto& [group, route] : routes_)
            if (route.decoder) route.decoder->Finish(emit, report);
    }

private:
    struct Route {
        const Format* format = nullptr;
        std::unique_ptr<FileDecoder> decoder;
        bool decided = false;
    };

    void Envelope(element root, uint64_t line, RecordFn emit, DecodeReport& report) {
        simdjson::dom::array arr;
        if (root.get_array().get(arr) == simdjson::SUCCESS) {
            for (auto child : arr) Envelope(child, line, emit, report);
            return;
        }
        std::string_view type = JStr(root, "messageType");
        if (type == "CONTROL_MESSAGE") {
            if (!noted_control_) report.Note("cloudwatch: CONTROL_MESSAGE envelopes skipped");
            noted_control_ = true;
            return;
        }
        element events;
        simdjson::dom::array list;
        if (!JGet(root, "logEvents", events) || events.get_array().get(list) != simdjson::SUCCESS) {
            report.Bad(line, "cloudwatch.not_envelope", simdjson::minify(root).substr(0, 120));
            return;
        }
        Context ctx{JStr(root, "logGroup"), JStr(root, "logStream"), JStr(root, "owner"), {}};
        for (auto ev : list) {
            std::string_view msg = JStr(ev, "message");
            TimeMs ts = 0;
            element t;
            if (JGet(ev, "timestamp", t))
                if (auto ms = JTimeMs(t)) ts = *ms;
            ctx.id = JStr(ev, "id");
            Message(ctx, msg, ts, line, emit, report);
        }
    }

    // "<iso time> <message>" lines of an export task.
    void FeedExport(std::string_view data, uint64_t first_line, RecordFn emit,
                    DecodeReport& report) {
        Context ctx{"", "", info_.hints.account, {}};
        ForEachLine(data, first_line, [&](std::string_view line, uint64_t no) {
            if (line.empty()) return;
            size_t sp = line.find(' ');
            std::optional<TimeMs> t;
            if (sp != std::string_view::npos) t = ParseIsoTime(line.substr(0, sp));
            if (!t) {
                report.Bad(no, "cloudwatch.export_line", line);
                return;
            }
            ctx.id = {};
            Message(ctx, line.substr(sp + 1), *t, no, emit, report);
        });
    }

    struct Context {
        std::string_view group, stream, owner, id;
    };

    Route& RouteFor(std::string_view group) {
        auto it = routes_.find(group);
        if (it != routes_.end()) return it->second;
        if (routes_.size() >= kMaxGroups) return overflow_;
        return routes_.emplace(std::string(group), Route{}).first->second;
    }

    void Message(const Context& ctx, std::string_view msg, TimeMs ts, uint64_t line,
                 RecordFn emit, DecodeReport& report) {
        Route& route = RouteFor(ctx.group);
        if (!route.decided) {
            FileInfo inner = info_;
            route.format = nullptr;
            int best = 29;
            for (const Format* f : AllFormats()) {
                if (f->Name() == "cloudwatch" || f->Name() == "eventbridge") continue;
                int score = f->Sniff(msg, inner);
                if (score > best) {
                    best = score;
                    route.format = f;
                }
            }
            if (route.format) route.decoder = route.format->Open(inner);
            route.decided = true;
        }
        if (route.decoder) {
            auto wrap = [&](const Record& rec) {
                Normalized n = rec.norm;
                if (n.time == 0) n.time = ts;
                if (n.account.empty()) n.account = ctx.owner;
                Record out{rec.event, n, line, index_++};
                emit(out);
            };
            route.decoder->Feed(msg, line, wrap, report);
            return;
        }
        Generic(ctx, msg, ts, line, emit);
    }

    void Generic(const Context& ctx, std::string_view msg, TimeMs ts, uint64_t line,
                 RecordFn emit) {
        Normalized n;
        n.time = ts;
        n.source_type = "cloudwatch";
        n.account = ctx.owner;
        n.service = ctx.group;
        element parsed;
        std::string_view trimmed = Trim(msg);
        if (!trimmed.empty() && trimmed[0] == '{' &&
            msg_parser_.parse(trimmed.data(), trimmed.size()).get(parsed) == simdjson::SUCCESS) {
            JsonEvent ev(parsed);
            Record rec{ev, n, line, index_++};
            emit(rec);
            return;
        }
        flat_.Clear();
        auto add = [&](std::string_view k, std::string_view v) {
            if (!v.empty()) flat_.AddString(k, v);
        };
        add("logGroup", ctx.group);
        add("logStream", ctx.stream);
        add("id", ctx.id);
        flat_.Add("timestamp", Value::Int(ts));
        flat_.AddString("message", msg);
        Record rec{flat_, n, line, index_++};
        emit(rec);
    }

    const FileInfo info_;
    simdjson::dom::parser parser_, msg_parser_;
    std::map<std::string, Route, std::less<>> routes_;
    Route overflow_;
    FlatEvent flat_;
    uint64_t index_ = 0;
    bool noted_control_ = false;
};

int SniffCloudWatch(std::string_view head, const FileInfo&) {
    std::string_view h = head.substr(0, 4096);
    if (h.find("\"logEvents\"") != std::string_view::npos &&
        (h.find("\"messageType\"") != std::string_view::npos ||
         h.find("\"logGroup\"") != std::string_view::npos))
        return 95;
    // Export task: every line "<ISO time with ms and Z> <text>".
    int lines = 0, good = 0;
    ForEachLine(h, 1, [&](std::string_view line, uint64_t) {
        if (lines >= 5 || line.empty()) return;
        ++lines;
        size_t sp = line.find(' ');
        if (sp >= 20 && sp <= 30 && line[sp - 1] == 'Z' && ParseIsoTime(line.substr(0, sp)))
            ++good;
    });
    if (lines > 0 && good == lines) return 45;
    return 0;
}

std::unique_ptr<FileDecoder> OpenCloudWatch(const FileInfo& info) {
    return std::make_unique<CloudWatchDecoder>(info);
}

} // namespace

const Format& CloudWatchFormat() {
    static const SpecFormat format(
        {"cloudwatch",
         "CloudWatch Logs subscription/Firehose envelopes and export files (messages unwrapped)",
         R"({"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"/vpc/flow",)"
         R"("logStream":"eni-0a1b2c3d4e5f60718-all","subscriptionFilters":["to-s3"],)"
         R"("logEvents":[{"id":"37","timestamp":1709294400000,"message":"2 111122223333 )"
         R"(eni-0a1b2c3d4e5f60718 10.0.1.15 198.51.100.7 44321 443 6 12 5210 1709294400 )"
         R"(1709294460 ACCEPT OK"}]})",
         false, SniffCloudWatch, OpenCloudWatch});
    return format;
}

} // namespace cloudsift
