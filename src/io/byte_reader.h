// ByteReader: a pull stream of bytes from a file, stdin or memory, with transparent gzip
// (isa-l igzip, multi-member) and zstd decompression, including nested layers ("gzip of gzip").
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace cloudsift {

//! A source of bytes.
class ByteStream {
public:
    virtual ~ByteStream() = default;
    //! Reads up to n bytes into buf; 0 means end of stream; an Error means the stream is broken
    //! (bytes already returned remain valid).
    virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

//! A stream opened for decoding, with what was learned while opening it.
struct OpenedStream {
    std::unique_ptr<ByteStream> stream; //!< decompressed bytes
    std::string compression;            //!< "none", "gzip", "zstd", "gzip+gzip" …
    uint64_t size_on_disk = 0;          //!< 0 for stdin
};

//! Opens path ("-" = stdin) read-only and wraps it in decompressors according to magic bytes
//! (up to 3 nested layers).
Result<OpenedStream> OpenInput(const std::string& path);

//! Same as OpenInput over an in-memory buffer (which must outlive the stream).
OpenedStream OpenMemory(std::string_view data);

} // namespace cloudsift
