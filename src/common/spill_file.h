// Spill files: unnamed temporary files holding sorted runs of records that did not fit in
// memory, and the compact encoding their records share. A text is written through the run's
// text table (its first use writes it, later uses its table number), so reading a run back
// costs no hashing and the records of a run share their texts again.
#pragma once
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/function_ref.h"
#include "common/shared_text.h"

namespace cloudsift::spill {

//! An unnamed, already unlinked temporary file in TMPDIR (or /tmp), open for reading and
//! writing; null when none can be made.
std::FILE* TemporaryFile();

//! Writes one run to a new temporary file: put(i, out) appends record i (i < records) to out,
//! which is written in chunks of about a megabyte. Returns the file (its size in bytes), or null
//! when it could not be made or written.
std::FILE* WriteRunFile(size_t records, FunctionRef<void(size_t, std::string&)> put,
                        uint64_t& bytes);

//! Appends v as a LEB128 number.
void PutVarint(std::string& out, uint64_t v);
//! Appends n raw bytes.
inline void PutRaw(std::string& out, const void* p, size_t n) {
    out.append(static_cast<const char*>(p), n);
}

//! The text table of a run being written. Texts are known by identity: the records (and so
//! their texts) must live until the run is written. A field's last text answers its
//! neighbours without hashing.
class TextTableWriter {
public:
    //! Fields numbered below this have a last-text slot.
    static constexpr size_t kFields = 24;
    //! Entries of a table (bounds the memory of reading many runs back at once); texts beyond
    //! it are written as they are.
    static constexpr uint32_t kMaxEntries = 1 << 14;
    //! Appends t; tabled: through the table (texts that repeat), else as it is (unique ones).
    void Put(std::string& out, const SharedText& t, size_t field, bool tabled);

private:
    std::unordered_map<const void*, uint32_t> ids_;
    std::array<std::pair<const void*, uint32_t>, kFields> last_{};
};

//! Reads one run back from its file through a buffer of its own, by offset (never moving the
//! file's position), so several readers of one file and several passes coexist.
class RunReader {
public:
    //! Reads file from offset begin up to end.
    RunReader(std::FILE* file, uint64_t begin, uint64_t end, size_t buffer = 256 << 10);
    //! Reads n bytes; false at the end of the run or on an I/O error.
    bool Read(void* into, size_t n);
    //! Reads a LEB128 number.
    bool ReadVarint(uint64_t& v);
    //! Reads a text TextTableWriter::Put wrote.
    bool ReadText(SharedText& t);

private:
    int fd_;
    uint64_t offset_, end_;
    std::vector<char> buf_;
    size_t pos_ = 0, filled_ = 0;
    std::vector<SharedText> table_; // the run's text table, as far as read
    std::string text_;
};

} // namespace cloudsift::spill
