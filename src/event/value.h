// Value: one scalar (or a marker for an object/array) read from an event, borrowed, never owned.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace cloudsift {

//! The JSON-like type of a value found in an event.
enum class ValueType : uint8_t { Null, Bool, Int, UInt, Double, String, Object, Array };

//! A borrowed value; `s` points into the event's storage and is valid while the event is.
struct Value {
    ValueType type = ValueType::Null;
    bool b = false;
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
    std::string_view s;

    //! A string value.
    static Value Str(std::string_view v) {
        Value x;
        x.type = ValueType::String;
        x.s = v;
        return x;
    }
    //! A signed integer value.
    static Value Int(int64_t v) {
        Value x;
        x.type = ValueType::Int;
        x.i = v;
        return x;
    }
    //! A boolean value.
    static Value Bool(bool v) {
        Value x;
        x.type = ValueType::Bool;
        x.b = v;
        return x;
    }
    //! Whether this is a scalar (not object/array).
    bool IsScalar() const { return type != ValueType::Object && type != ValueType::Array; }
    //! Whether this is a number (int, uint or double).
    bool IsNumber() const {
        return type == ValueType::Int || type == ValueType::UInt || type == ValueType::Double;
    }
    //! The value as a double if it is a number or a string holding one; false otherwise.
    bool AsDouble(double& out) const;
    //! Text used for string matching: strings as-is, numbers in shortest decimal form,
    //! booleans "true"/"false", null "". May write into buf and return a view of it.
    std::string_view Text(std::string& buf) const;
};

} // namespace cloudsift
