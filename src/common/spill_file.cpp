#include "common/spill_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

namespace cloudsift::spill {
namespace {

// A text's tag (a LEB128 number): 0 empty; low bits 01: the text follows (length = tag >> 2);
// 11: the same, and the text is the run's next table entry; 10: table entry tag >> 2.
constexpr uint64_t kLiteral = 1, kNewEntry = 3, kEntry = 2;

} // namespace

std::FILE* TemporaryFile() {
    std::error_code ec;
    auto dir = std::filesystem::temp_directory_path(ec);
#ifdef O_TMPFILE
    if (!ec) {
        int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd >= 0) {
            if (std::FILE* f = ::fdopen(fd, "w+b"))
                return f;
            ::close(fd);
        }
    }
#endif
    return std::tmpfile();
}

std::FILE* WriteRunFile(size_t records, FunctionRef<void(size_t, std::string&)> put,
                        uint64_t& bytes) {
    std::FILE* f = TemporaryFile();
    if (!f)
        return nullptr;
    constexpr size_t kChunk = 1 << 20;
    std::string buf;
    bool ok = true;
    for (size_t i = 0; i < records && ok; ++i) {
        put(i, buf);
        if (buf.size() >= kChunk) {
            ok = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
            buf.clear();
        }
    }
    ok = ok && std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
    ok = ok && std::fflush(f) == 0;
    long end = ok ? std::ftell(f) : -1;
    if (end < 0) {
        std::fclose(f);
        return nullptr;
    }
    bytes = uint64_t(end);
    return f;
}

void PutVarint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(char(uint8_t(v) | 0x80));
        v >>= 7;
    }
    out.push_back(char(v));
}

void TextTableWriter::Put(std::string& out, const SharedText& t, size_t field, bool tabled) {
    std::string_view v = t.view();
    if (v.empty()) {
        out.push_back(0);
        return;
    }
    if (tabled) {
        auto* last = field < kFields ? &last_[field] : nullptr;
        if (last && last->first == t.identity()) {
            PutVarint(out, uint64_t(last->second) << 2 | kEntry);
            return;
        }
        auto it = ids_.find(t.identity());
        if (it != ids_.end()) {
            if (last)
                *last = {t.identity(), it->second};
            PutVarint(out, uint64_t(it->second) << 2 | kEntry);
            return;
        }
        if (ids_.size() < kMaxEntries) {
            const uint32_t id = uint32_t(ids_.size());
            if (last)
                *last = {t.identity(), id};
            ids_.emplace(t.identity(), id);
            PutVarint(out, uint64_t(v.size()) << 2 | kNewEntry);
            out.append(v);
            return;
        }
    }
    PutVarint(out, uint64_t(v.size()) << 2 | kLiteral);
    out.append(v);
}

RunReader::RunReader(std::FILE* file, uint64_t begin, uint64_t end, size_t buffer)
    : fd_(::fileno(file)), offset_(begin), end_(end), buf_(buffer) {}

bool RunReader::Read(void* into, size_t n) {
    char* out = static_cast<char*>(into);
    while (n > 0) {
        if (pos_ == filled_) {
            if (offset_ >= end_)
                return false;
            const size_t want = size_t(std::min<uint64_t>(buf_.size(), end_ - offset_));
            ssize_t got = ::pread(fd_, buf_.data(), want, off_t(offset_));
            if (got <= 0)
                return false;
            offset_ += uint64_t(got);
            filled_ = size_t(got);
            pos_ = 0;
        }
        size_t take = std::min(n, filled_ - pos_);
        std::memcpy(out, buf_.data() + pos_, take);
        pos_ += take;
        out += take;
        n -= take;
    }
    return true;
}

bool RunReader::ReadVarint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        uint8_t b;
        if (!Read(&b, 1))
            return false;
        v |= uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

bool RunReader::ReadText(SharedText& t) {
    uint64_t tag = 0;
    if (!ReadVarint(tag))
        return false;
    if (tag == 0) {
        t = SharedText();
        return true;
    }
    const uint64_t kind = tag & 3, n = tag >> 2;
    if (kind == kEntry) {
        if (n >= table_.size())
            return false;
        t = table_[n];
        return true;
    }
    if (kind == 0 || n > (uint64_t(1) << 31))
        return false;
    text_.resize(n);
    if (!Read(text_.data(), n))
        return false;
    t = SharedText(text_);
    if (kind == kNewEntry)
        table_.push_back(t);
    return true;
}

} // namespace cloudsift::spill
