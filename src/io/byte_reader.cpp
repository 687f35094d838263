#include "io/byte_reader.h"

#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace cloudsift {
namespace {

class FdStream final : public ByteStream {
public:
    FdStream(int fd, bool owned) : fd_(fd), owned_(owned) {}
    ~FdStream() override {
        if (owned_) ::close(fd_);
    }
    Result<size_t> Read(char* buf, size_t n) override {
        while (true) {
            ssize_t r = ::read(fd_, buf, n);
            if (r >= 0) return static_cast<size_t>(r);
            if (errno == EINTR) continue;
            return Error{"io.read", std::strerror(errno)};
        }
    }

private:
    int fd_;
    bool owned_;
};

class MemoryStream final : public ByteStream {
public:
    explicit MemoryStream(std::string_view data) : data_(data) {}
    Result<size_t> Read(char* buf, size_t n) override {
        size_t k = std::min(n, data_.size() - pos_);
        std::memcpy(buf, data_.data() + pos_, k);
        pos_ += k;
        return k;
    }

private:
    std::string_view data_;
    size_t pos_ = 0;
};

// Lets the opener look at the first bytes of a stream and then hand them back.
class PeekStream final : public ByteStream {
public:
    explicit PeekStream(std::unique_ptr<ByteStream> inner) : inner_(std::move(inner)) {}
    //! Fills up to n bytes of look-ahead and returns them.
    std::string_view Peek(size_t n) {
        while (head_.size() < n && !eof_) {
            char buf[4096];
            auto r = inner_->Read(buf, std::min(sizeof buf, n - head_.size()));
            if (!r.ok()) {
                error_ = r.error();
                eof_ = true;
                break;
            }
            if (r.value() == 0) eof_ = true;
            head_.append(buf, r.value());
        }
        return std::string_view(head_).substr(pos_);
    }
    Result<size_t> Read(char* buf, size_t n) override {
        if (pos_ < head_.size()) {
            size_t k = std::min(n, head_.size() - pos_);
            std::memcpy(buf, head_.data() + pos_, k);
            pos_ += k;
            return k;
        }
        if (!error_.code.empty()) return error_;
        if (eof_) return size_t{0};
        return inner_->Read(buf, n);
    }

private:
    std::unique_ptr<ByteStream> inner_;
    std::string head_;
    size_t pos_ = 0;
    bool eof_ = false;
    Error error_;
};

// What a gzip stream decodes with: the inflate state (87 KB) and an input buffer (256 KB).
// Zeroed once, then kept per thread for the next file: zeroing them anew for every file cost
// more than inflating a small one.
struct InflateEngine {
    static constexpr size_t kInput = size_t(1) << 18;
    inflate_state state;
    uint8_t in[kInput];
};

class InflateEnginePool {
public:
    std::unique_ptr<InflateEngine> Take() {
        if (free_.empty())
            return std::unique_ptr<InflateEngine>(new InflateEngine{});
        auto e = std::move(free_.back());
        free_.pop_back();
        return e;
    }
    void Give(std::unique_ptr<InflateEngine> e) {
        if (free_.size() < 4) // streams nest (a gzip inside a gzip) only a few deep
            free_.push_back(std::move(e));
    }

private:
    std::vector<std::unique_ptr<InflateEngine>> free_;
};

InflateEnginePool& ThreadInflatePool() {
    thread_local InflateEnginePool pool;
    return pool;
}

class GzipStream final : public ByteStream {
public:
    explicit GzipStream(std::unique_ptr<ByteStream> inner)
        : inner_(std::move(inner)), engine_(ThreadInflatePool().Take()), state_(engine_->state) {
        isal_inflate_init(&state_);
        state_.crc_flag = ISAL_GZIP;
    }
    ~GzipStream() override { ThreadInflatePool().Give(std::move(engine_)); }
    Result<size_t> Read(char* buf, size_t n) override {
        if (done_) return size_t{0};
        n = std::min<size_t>(n, UINT32_MAX);
        while (true) {
            if (state_.avail_in == 0 && !in_eof_) {
                auto r = inner_->Read(reinterpret_cast<char*>(engine_->in), InflateEngine::kInput);
                if (!r.ok()) return r.error();
                if (r.value() == 0) in_eof_ = true;
                state_.next_in = engine_->in;
                state_.avail_in = static_cast<uint32_t>(r.value());
            }
            if (state_.block_state == ISAL_BLOCK_FINISH) {
                // One gzip member ended: another may follow (multi-member files).
                if (state_.avail_in == 0 && in_eof_) {
                    done_ = true;
                    return size_t{0};
                }
                if (state_.avail_in == 0) continue;
                if (state_.next_in[0] != 0x1f) {
                    // Trailing garbage after a complete member.
                    done_ = true;
                    return Error{"gzip.trailing_data", "unexpected bytes after gzip member"};
                }
                isal_inflate_reset(&state_);
                state_.crc_flag = ISAL_GZIP;
            }
            state_.next_out = reinterpret_cast<uint8_t*>(buf);
            state_.avail_out = static_cast<uint32_t>(n);
            int rc = isal_inflate(&state_);
            size_t produced = n - state_.avail_out;
            if (rc < 0) {
                done_ = true;
                if (produced > 0) return produced; // deliver what decoded; error on next read
                return Error{"gzip.corrupt", rc == ISAL_INCORRECT_CHECKSUM
                                                  ? "gzip checksum mismatch"
                                                  : "invalid gzip data (code " +
                                                        std::to_string(rc) + ")"};
            }
            if (produced > 0) return produced;
            if (state_.block_state != ISAL_BLOCK_FINISH && state_.avail_in == 0 && in_eof_) {
                done_ = true;
                return Error{"gzip.truncated", "gzip stream ends before its last block"};
            }
        }
    }

private:
    std::unique_ptr<ByteStream> inner_;
    std::unique_ptr<InflateEngine> engine_;
    inflate_state& state_; // engine_->state
    bool in_eof_ = false;
    bool done_ = false;
};

class ZstdStream final : public ByteStream {
public:
    explicit ZstdStream(std::unique_ptr<ByteStream> inner)
        : inner_(std::move(inner)), in_(ZSTD_DStreamInSize()), dctx_(ZSTD_createDCtx()) {}
    ~ZstdStream() override { ZSTD_freeDCtx(dctx_); }
    Result<size_t> Read(char* buf, size_t n) override {
        if (done_) return size_t{0};
        while (true) {
            if (input_.pos == input_.size && !in_eof_) {
                auto r = inner_->Read(in_.data(), in_.size());
                if (!r.ok()) return r.error();
                if (r.value() == 0) in_eof_ = true;
                input_ = {in_.data(), r.value(), 0};
            }
            ZSTD_outBuffer out{buf, n, 0};
            size_t rc = ZSTD_decompressStream(dctx_, &out, &input_);
            if (ZSTD_isError(rc)) {
                done_ = true;
                if (out.pos > 0) return out.pos;
                return Error{"zstd.corrupt", ZSTD_getErrorName(rc)};
            }
            last_rc_ = rc;
            if (out.pos > 0) return out.pos;
            if (input_.pos == input_.size && in_eof_) {
                done_ = true;
                if (last_rc_ != 0) return Error{"zstd.truncated", "zstd frame is incomplete"};
                return size_t{0};
            }
        }
    }

private:
    std::unique_ptr<ByteStream> inner_;
    std::vector<char> in_;
    ZSTD_DCtx* dctx_;
    ZSTD_inBuffer input_{nullptr, 0, 0};
    size_t last_rc_ = 0;
    bool in_eof_ = false;
    bool done_ = false;
};

OpenedStream Wrap(std::unique_ptr<ByteStream> raw, uint64_t size) {
    OpenedStream out;
    out.size_on_disk = size;
    std::string layers;
    auto peek = std::make_unique<PeekStream>(std::move(raw));
    for (int depth = 0; depth < 3; ++depth) {
        std::string_view head = peek->Peek(4);
        const char* name = nullptr;
        std::unique_ptr<ByteStream> next;
        if (head.size() >= 2 && uint8_t(head[0]) == 0x1f && uint8_t(head[1]) == 0x8b) {
            name = "gzip";
            next = std::make_unique<GzipStream>(std::move(peek));
        } else if (head.size() >= 4 && uint8_t(head[0]) == 0x28 && uint8_t(head[1]) == 0xb5 &&
                   uint8_t(head[2]) == 0x2f && uint8_t(head[3]) == 0xfd) {
            name = "zstd";
            next = std::make_unique<ZstdStream>(std::move(peek));
        } else {
            break;
        }
        if (!layers.empty()) layers += '+';
        layers += name;
        peek = std::make_unique<PeekStream>(std::move(next));
    }
    out.compression = layers.empty() ? "none" : layers;
    out.stream = std::move(peek);
    return out;
}

} // namespace

Result<OpenedStream> OpenInput(const std::string& path) {
    if (path == "-") return Wrap(std::make_unique<FdStream>(0, false), 0);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error{"io.open", std::strerror(errno)};
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return Error{"io.not_regular", "not a regular file"};
    }
    return Wrap(std::make_unique<FdStream>(fd, true), static_cast<uint64_t>(st.st_size));
}

OpenedStream OpenMemory(std::string_view data) {
    return Wrap(std::make_unique<MemoryStream>(data), data.size());
}

} // namespace cloudsift
