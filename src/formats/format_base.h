// Building blocks shared by the non-CloudTrail decoders: a table-driven Format, a line decoder
// base that owns the reusable FlatEvent/Normalized pair, and a JSON-per-record base.
#pragma once
#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>

#include "event/flat_event.h"
#include "event/json_event.h"
#include "formats/format.h"

namespace cloudsift::formats {

//! Static description of a format: the functions behind Format's virtuals.
struct FormatSpec {
    std::string_view name;
    std::string_view description;
    std::string_view example;
    bool line_oriented = true;
    int (*sniff)(std::string_view head, const FileInfo& info) = nullptr;
    std::unique_ptr<FileDecoder> (*open)(const FileInfo& info) = nullptr;
};

//! A Format whose behaviour is a FormatSpec (stateless; usually a function-local static).
class SpecFormat final : public Format {
public:
    explicit SpecFormat(FormatSpec spec) : spec_(spec) {}
    std::string_view Name() const override { return spec_.name; }
    std::string_view Description() const override { return spec_.description; }
    std::string_view Example() const override { return spec_.example; }
    int Sniff(std::string_view head, const FileInfo& info) const override {
        return spec_.sniff(head, info);
    }
    bool LineOriented() const override { return spec_.line_oriented; }
    std::unique_ptr<FileDecoder> Open(const FileInfo& info) const override {
        return spec_.open(info);
    }

private:
    FormatSpec spec_;
};

//! Base of line decoders: splits each run into lines (skipping blank ones) and calls DecodeLine.
//! Subclasses fill ev_/norm_ and call Emit.
class LineDecoder : public FileDecoder {
public:
    void Feed(std::string_view data, uint64_t first_line, RecordFn emit,
              DecodeReport& report) override;

protected:
    //! Decodes one line (no trailing "\r\n"); line_no is 1-based.
    virtual void DecodeLine(std::string_view line, uint64_t line_no, RecordFn emit,
                            DecodeReport& report) = 0;
    //! Clears ev_ and norm_ before a new record.
    void Reset() {
        ev_.Clear();
        norm_ = Normalized{};
    }
    //! Hands the current ev_/norm_ to emit.
    void Emit(RecordFn emit, uint64_t line_no) {
        Record rec{ev_, norm_, line_no, index_++};
        emit(rec);
    }

    FlatEvent ev_;
    Normalized norm_;
    uint64_t index_ = 0;
};

//! A JSON record plus extra flat fields (Sigma aliases such as "query" or "src_ip"): Find looks
//! in the extras first, then in the JSON; AppendJson writes the JSON object with the extras
//! appended as top-level members.
class JsonPlusEvent final : public Event {
public:
    JsonPlusEvent(simdjson::dom::element root, const FlatEvent& extra)
        : json_(root), extra_(extra) {}
    bool Find(const FieldPath& path, FunctionRef<bool(const Value&)> fn) const override;
    void ForEachLeaf(FunctionRef<bool(const Value&)> fn) const override;
    void AppendJson(std::string& out) const override;
    bool AppendMemberJson(std::string_view key, std::string& out) const override {
        return json_.AppendMemberJson(key, out);
    }

private:
    JsonEvent json_;
    const FlatEvent& extra_;
};

//! Base of decoders of one JSON object per line: parses each line with simdjson and calls
//! DecodeObject with a JsonEvent; lines that are not JSON objects are counted as
//! "<name>.json" / "<name>.not_object".
class JsonLineDecoder : public LineDecoder {
public:
    explicit JsonLineDecoder(std::string_view name);

protected:
    //! Fills norm_ from a parsed object and emits (or reports) it.
    virtual void DecodeObject(simdjson::dom::element obj, uint64_t line_no, RecordFn emit,
                              DecodeReport& report) = 0;
    //! Emits obj (plus the extra fields in ev_, if any) as the native event with norm_.
    void EmitJson(simdjson::dom::element obj, RecordFn emit, uint64_t line_no) {
        JsonPlusEvent ev(obj, ev_);
        Record rec{ev, norm_, line_no, index_++};
        emit(rec);
    }

private:
    void DecodeLine(std::string_view line, uint64_t line_no, RecordFn emit,
                    DecodeReport& report) final;
    simdjson::dom::parser parser_;
    std::string reason_json_, reason_object_;
};

//! Base of document decoders over JSON: the whole file is split into top-level JSON values
//! (one document, JSON lines, or values written back to back) and each parsed value is handed
//! to HandleDocument with the 1-based line it starts on. Unparsable values are counted as
//! "<name>.json".
class JsonDocDecoder : public FileDecoder {
public:
    explicit JsonDocDecoder(std::string_view name);
    void Feed(std::string_view data, uint64_t first_line, RecordFn emit,
              DecodeReport& report) override;

protected:
    //! Decodes one parsed top-level value.
    virtual void HandleDocument(simdjson::dom::element root, uint64_t line, RecordFn emit,
                                DecodeReport& report) = 0;
    //! Emits e (plus extras in extra_) with norm_.
    void EmitJson(simdjson::dom::element e, RecordFn emit, uint64_t line) {
        JsonPlusEvent ev(e, extra_);
        Record rec{ev, norm_, line, index_++};
        emit(rec);
    }

    Normalized norm_;
    FlatEvent extra_;
    uint64_t index_ = 0;
    std::string reason_json_;

private:
    simdjson::dom::parser parser_;
};

//! Largest single JSON document a document decoder accepts.
inline constexpr uint64_t kMaxJsonDocument = 512ull << 20;

} // namespace cloudsift::formats
