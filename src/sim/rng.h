// Deterministic pseudo-random numbers for the simulator: xoshiro256** seeded through splitmix64.
// Every stream of randomness is derived from (seed, labels…) so output never depends on thread
// scheduling, hash-table order or the platform's std::random implementation.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace cloudsift::sim {

//! One splitmix64 step: advances state and returns the next 64-bit output.
inline uint64_t SplitMix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

//! Mixes a seed with labels into a new seed (order-sensitive).
inline uint64_t DeriveSeed(uint64_t seed, std::initializer_list<uint64_t> labels) {
    uint64_t s = seed;
    uint64_t out = SplitMix64(s);
    for (uint64_t l : labels) {
        s ^= l + 0x632BE59BD9B4E019ull + (out << 6) + (out >> 2);
        out = SplitMix64(s);
    }
    return out;
}

//! FNV-1a hash of a label, for deriving seeds from names.
inline uint64_t LabelHash(std::string_view s) {
    uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ull;
    return h;
}

//! xoshiro256** generator with helpers for the simulator's draws.
class Rng {
public:
    //! Seeds the four state words from splitmix64(seed).
    explicit Rng(uint64_t seed) {
        for (auto& w : s_) w = SplitMix64(seed);
    }
    //! Next 64 random bits.
    uint64_t Next() {
        uint64_t result = Rotl(s_[1] * 5, 7) * 9;
        uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = Rotl(s_[3], 45);
        return result;
    }
    //! Uniform integer in [0, n) (n > 0); Lemire's multiply-shift, deterministic everywhere.
    uint64_t Below(uint64_t n) { return uint64_t((__uint128_t(Next()) * n) >> 64); }
    //! Uniform integer in [lo, hi].
    int64_t Range(int64_t lo, int64_t hi) { return lo + int64_t(Below(uint64_t(hi - lo) + 1)); }
    //! Uniform double in [0, 1).
    double Uniform() { return double(Next() >> 11) * 0x1.0p-53; }
    //! True with probability p.
    bool Chance(double p) { return Uniform() < p; }
    //! A random element of a non-empty array.
    template <typename T, size_t N>
    const T& Pick(const T (&items)[N]) {
        return items[Below(N)];
    }
    //! A random element of a non-empty container with size() and operator[].
    template <typename C>
    const auto& PickOf(const C& items) {
        return items[Below(items.size())];
    }
    //! Appends n characters drawn from alphabet.
    void AppendChars(std::string& out, size_t n, std::string_view alphabet) {
        size_t at = out.size();
        out.resize(at + n);
        for (size_t i = 0; i < n; ++i) out[at + i] = alphabet[Below(alphabet.size())];
    }
    //! n random characters from alphabet.
    std::string Chars(size_t n, std::string_view alphabet) {
        std::string out;
        AppendChars(out, n, alphabet);
        return out;
    }
    //! Appends a random version-4 UUID in canonical lower-case form.
    void AppendUuid(std::string& out) {
        static constexpr char kHex[] = "0123456789abcdef";
        uint64_t a = Next(), b = Next();
        char buf[36];
        int k = 0;
        for (int i = 0; i < 32; ++i) {
            if (i == 8 || i == 12 || i == 16 || i == 20) buf[k++] = '-';
            uint64_t word = i < 16 ? a : b;
            unsigned nib = unsigned(word >> ((i % 16) * 4)) & 15u;
            if (i == 12) nib = 4;
            if (i == 16) nib = 8 | (nib & 3);
            buf[k++] = kHex[nib];
        }
        out.append(buf, 36);
    }
    //! A random version-4 UUID.
    std::string Uuid() {
        std::string s;
        AppendUuid(s);
        return s;
    }

private:
    static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4];
};

//! Alphabets used for identifiers.
inline constexpr std::string_view kHexLower = "0123456789abcdef";
inline constexpr std::string_view kUpperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
inline constexpr std::string_view kAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

} // namespace cloudsift::sim
