// Shared immutable text for data held in bulk (findings, analytics rows): a copy costs one
// reference-count increment, never an allocation, so a million findings of one rule share one
// title and a million events of one principal share one ARN.
#pragma once
#include <algorithm>
#include <array>
#include <atomic>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
#include <new>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <xxhash.h>

namespace cloudsift {

namespace detail {
//! An owning handle on a reference-counted Rep (Rep has std::atomic<uint32_t> refs, starting
//! at 1, and a static Free(Rep*)); copies share it, the last one frees it. One pointer wide.
template <typename Rep> class CountedRef {
public:
    CountedRef() = default;
    explicit CountedRef(Rep* adopted) noexcept : rep_(adopted) {}
    CountedRef(const CountedRef& o) noexcept : rep_(o.rep_) { Ref(); }
    CountedRef(CountedRef&& o) noexcept : rep_(o.rep_) { o.rep_ = nullptr; }
    CountedRef& operator=(const CountedRef& o) noexcept {
        if (rep_ != o.rep_) {
            Unref();
            rep_ = o.rep_;
            Ref();
        }
        return *this;
    }
    CountedRef& operator=(CountedRef&& o) noexcept {
        if (this != &o) {
            Unref();
            rep_ = o.rep_;
            o.rep_ = nullptr;
        }
        return *this;
    }
    ~CountedRef() { Unref(); }
    Rep* get() const { return rep_; }
    Rep* operator->() const { return rep_; }
    explicit operator bool() const { return rep_ != nullptr; }

private:
    void Ref() const {
        if (rep_)
            rep_->refs.fetch_add(1, std::memory_order_relaxed);
    }
    void Unref() {
        if (rep_ && rep_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            Rep::Free(rep_);
        rep_ = nullptr;
    }
    Rep* rep_ = nullptr;
};
} // namespace detail

//! An immutable, NUL-terminated string shared by reference count (one pointer wide; empty is null).
class SharedText {
public:
    SharedText() = default;
    SharedText(std::string_view s) : rep_(Make(s)) {}     // NOLINT: implicit by design
    SharedText(const std::string& s) : rep_(Make(s)) {}   // NOLINT
    SharedText(const char* s) : rep_(Make(s ? s : "")) {} // NOLINT
    //! The text (valid while this or any copy lives).
    std::string_view view() const { return rep_ ? std::string_view(rep_->data, rep_->size) : ""; }
    operator std::string_view() const { return view(); } // NOLINT
    //! Identity of the shared text (equal for copies of one SharedText; null when empty).
    const void* identity() const { return rep_.get(); }
    //! An owned copy.
    std::string str() const { return std::string(view()); }
    operator std::string() const { return str(); } // NOLINT
    const char* c_str() const { return rep_ ? rep_->data : ""; }
    const char* data() const { return c_str(); }
    size_t size() const { return rep_ ? rep_->size : 0; }
    bool empty() const { return size() == 0; }
    size_t find(std::string_view s, size_t pos = 0) const { return view().find(s, pos); }
    size_t find(char c, size_t pos = 0) const { return view().find(c, pos); }
    size_t rfind(std::string_view s, size_t pos = std::string_view::npos) const {
        return view().rfind(s, pos);
    }
    size_t rfind(char c, size_t pos = std::string_view::npos) const { return view().rfind(c, pos); }
    bool starts_with(std::string_view s) const { return view().starts_with(s); }
    bool ends_with(std::string_view s) const { return view().ends_with(s); }
    std::string substr(size_t pos, size_t n = std::string_view::npos) const {
        return std::string(view().substr(pos, n));
    }
    char operator[](size_t i) const { return rep_->data[i]; }
    auto begin() const { return view().begin(); }
    auto end() const { return view().end(); }

    friend bool operator==(const SharedText& a, std::string_view b) { return a.view() == b; }
    friend std::strong_ordering operator<=>(const SharedText& a, std::string_view b) {
        int c = a.view().compare(b);
        return c < 0   ? std::strong_ordering::less
               : c > 0 ? std::strong_ordering::greater
                       : std::strong_ordering::equal;
    }
    template <class T>
    requires(std::is_convertible_v<const T&, std::string_view> &&
             !std::is_same_v<T, SharedText>) friend std::string
    operator+(const SharedText& a, const T& b) {
        std::string s(a.view());
        s += std::string_view(b);
        return s;
    }
    template <class T>
    requires(std::is_convertible_v<const T&, std::string_view> &&
             !std::is_same_v<T, SharedText>) friend std::string
    operator+(const T& a, const SharedText& b) {
        std::string s(a);
        s += b.view();
        return s;
    }
    friend std::string operator+(const SharedText& a, const SharedText& b) {
        std::string s(a.view());
        s += b.view();
        return s;
    }
    friend std::string operator+(const SharedText& a, char b) {
        std::string s(a.view());
        s += b;
        return s;
    }
    friend std::ostream& operator<<(std::ostream& os, const SharedText& t) {
        return os << t.view();
    }

private:
    struct Rep {
        std::atomic<uint32_t> refs;
        uint32_t size;
        char data[1];
        static void Free(Rep* r) {
            r->~Rep();
            ::operator delete(r);
        }
    };
    static detail::CountedRef<Rep> Make(std::string_view s) {
        if (s.empty())
            return {};
        void* mem = ::operator new(offsetof(Rep, data) + s.size() + 1);
        Rep* r = new (mem) Rep{{1}, static_cast<uint32_t>(s.size()), {0}};
        std::memcpy(r->data, s.data(), s.size());
        r->data[s.size()] = '\0';
        return detail::CountedRef<Rep>(r);
    }
    detail::CountedRef<Rep> rep_;
};

//! An immutable list of strings shared by reference count (rule tags, tactics, techniques);
//! one pointer wide (the count lives with the list), so a finding's three lists cost 24 bytes.
class SharedStrings {
public:
    using List = std::vector<std::string>;
    SharedStrings() = default;
    SharedStrings(List v) // NOLINT: implicit by design
        : rep_(v.empty() ? nullptr : new Rep{{1}, std::move(v)}) {}
    SharedStrings(std::initializer_list<std::string> v) : SharedStrings(List(v)) {}
    //! The list (an empty one when none).
    const List& list() const { return rep_ ? rep_->list : Empty(); }
    operator const List&() const { return list(); } // NOLINT
    size_t size() const { return list().size(); }
    bool empty() const { return list().empty(); }
    const std::string& operator[](size_t i) const { return list()[i]; }
    const std::string& front() const { return list().front(); }
    const std::string& back() const { return list().back(); }
    //! Identifies the shared list: equal for copies of one SharedStrings (nullptr when empty).
    const void* identity() const { return rep_.get(); }
    auto begin() const { return list().begin(); }
    auto end() const { return list().end(); }
    //! A copy with s appended.
    SharedStrings With(std::string s) const {
        List l = list();
        l.push_back(std::move(s));
        return SharedStrings(std::move(l));
    }
    friend bool operator==(const SharedStrings& a, const SharedStrings& b) {
        return a.list() == b.list();
    }

private:
    struct Rep {
        std::atomic<uint32_t> refs;
        const List list;
        static void Free(Rep* r) { delete r; }
    };
    static const List& Empty() {
        static const List empty;
        return empty;
    }
    detail::CountedRef<Rep> rep_;
};

//! Ranks of the distinct texts text(item) takes over items, by SharedText identity: equal texts
//! share a rank and ranks follow text order. Items sharing a text mostly share its identity,
//! so sorting by rank compares small integers instead of strings.
template <typename Range, typename TextOf>
std::unordered_map<const void*, uint32_t> TextRanks(const Range& items, TextOf text) {
    std::unordered_map<const void*, uint32_t> rank;
    std::vector<std::pair<std::string_view, const void*>> texts;
    const void* last = &rank; // no text has this identity
    for (const auto& item : items) {
        const SharedText& t = text(item);
        if (t.identity() == last)
            continue; // neighbours mostly share their text
        last = t.identity();
        if (rank.try_emplace(t.identity(), 0).second)
            texts.emplace_back(t.view(), t.identity());
    }
    std::sort(texts.begin(), texts.end());
    uint32_t r = 0;
    for (size_t i = 0; i < texts.size(); ++i) {
        if (i && texts[i].first != texts[i - 1].first)
            ++r;
        rank[texts[i].second] = r;
    }
    return rank;
}

//! Hash for unordered containers keyed by std::string that accept std::string_view lookups
//! without building a string (use with std::equal_to<>). XXH3: several times faster than
//! std::hash on the long keys (ARNs, user agents) these maps hold.
struct TransparentStringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
        return static_cast<size_t>(XXH3_64bits(s.data(), s.size()));
    }
};

//! Per-thread pool handing out one SharedText per distinct value; bounded (cleared when full).
class TextInterner {
public:
    explicit TextInterner(size_t max_entries = 1 << 16) : max_(max_entries) {}
    //! The shared copy of s.
    SharedText Get(std::string_view s) {
        if (s.empty())
            return {};
        auto it = map_.find(s);
        if (it != map_.end())
            return it->second;
        if (map_.size() >= max_)
            map_.clear();
        SharedText t(s);
        map_.emplace(t.view(), t);
        return t;
    }

    //! Number of slots for Get(s, slot).
    static constexpr size_t kSlots = 16;
    //! The shared copy of s, trying first the last text handed out for slot (slot < kSlots): a
    //! field whose value repeats from one record to the next costs one comparison, no hashing.
    SharedText Get(std::string_view s, size_t slot) {
        SharedText& last = last_[slot];
        if (last.view() != s || s.empty())
            last = Get(s);
        return last;
    }

private:
    size_t max_;
    std::unordered_map<std::string_view, SharedText, TransparentStringHash>
        map_; // keys view the values' text
    std::array<SharedText, kSlots> last_;                  // Get(s, slot)'s last answers
};

} // namespace cloudsift

template <> struct std::hash<cloudsift::SharedText> {
    size_t operator()(const cloudsift::SharedText& t) const noexcept {
        return std::hash<std::string_view>()(t.view());
    }
};
