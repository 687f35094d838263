#include "io/gzip.h"

#include <libdeflate.h>

#include <memory>

namespace cloudsift {

std::string GzipCompress(std::string_view data) {
    std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> c(
        libdeflate_alloc_compressor(6), &libdeflate_free_compressor);
    std::string out(libdeflate_gzip_compress_bound(c.get(), data.size()), '\0');
    size_t n = libdeflate_gzip_compress(c.get(), data.data(), data.size(), out.data(), out.size());
    out.resize(n);
    return out;
}

} // namespace cloudsift
