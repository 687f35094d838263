// Result<T>: a value or an error, for data paths where failure is expected (malformed input).
// Exceptions are kept for setup failures that cli/ catches; see DESIGN.md "Errors".
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace cloudsift {

//! An error with a short machine code ("json.depth") and a human message.
struct Error {
    std::string code;
    std::string message;
};

//! Holds either a T or an Error; must be checked with ok() before value() is read.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

//! Result for operations that produce nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

} // namespace cloudsift
