// FindingRun: the findings of one scan thread, held in fixed blocks of mapped memory. It grows
// without moving a finding (a vector would move every one of them at each doubling and touch
// twice the memory), and a merge that reads it in order hands each block back to the system as
// soon as it has been read, so the merged findings never sit in memory twice.
#pragma once
#include <cstddef>
#include <iterator>
#include <vector>

#include "hunt/finding.h"

namespace cloudsift {

class FindingRun {
public:
    //! Findings per block (120 bytes each: 960 KiB, a whole number of pages).
    static constexpr size_t kBlock = 8192;

    FindingRun() = default;
    ~FindingRun() { Clear(); }
    FindingRun(FindingRun&& o) noexcept;
    FindingRun& operator=(FindingRun&& o) noexcept;
    FindingRun(const FindingRun&) = delete;
    FindingRun& operator=(const FindingRun&) = delete;

    //! Appends f (blocks are mapped as needed; throws std::bad_alloc when none can be).
    void push_back(Finding&& f);
    //! Findings held (released ones included: indices never shift).
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    //! The i-th finding (i must not be in a released block).
    Finding& operator[](size_t i) { return blocks_[i / kBlock][i % kBlock]; }
    const Finding& operator[](size_t i) const { return blocks_[i / kBlock][i % kBlock]; }
    //! Destroys the findings of every whole block before index i and unmaps those blocks.
    void ReleaseBefore(size_t i);
    //! Removes the findings pred accepts, keeping the others in order; returns how many
    //! (none may be released).
    template <typename Pred> size_t EraseIf(Pred pred);
    //! Destroys every finding and unmaps every block.
    void Clear();
    //! Blocks currently mapped.
    size_t mapped_blocks() const;

    //! Read-only iteration in index order (none of it may be released).
    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = Finding;
        using difference_type = std::ptrdiff_t;
        using pointer = const Finding*;
        using reference = const Finding&;
        const_iterator(const FindingRun* run, size_t i) : run_(run), i_(i) {}
        reference operator*() const { return (*run_)[i_]; }
        pointer operator->() const { return &(*run_)[i_]; }
        const_iterator& operator++() {
            ++i_;
            return *this;
        }
        bool operator==(const const_iterator& o) const { return i_ == o.i_; }

    private:
        const FindingRun* run_;
        size_t i_;
    };
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size_}; }

private:
    // Destroys the first `count` findings of block b (count <= kBlock) and unmaps it.
    void FreeBlock(size_t b, size_t count);
    std::vector<Finding*> blocks_; // null once released
    size_t size_ = 0;
    size_t released_ = 0; // blocks [0, released_) are released
};

template <typename Pred> size_t FindingRun::EraseIf(Pred pred) {
    size_t kept = 0;
    for (size_t i = 0; i < size_; ++i) {
        if (pred((*this)[i]))
            continue;
        if (kept != i)
            (*this)[kept] = std::move((*this)[i]);
        ++kept;
    }
    size_t removed = size_ - kept;
    for (size_t i = kept; i < size_; ++i)
        (*this)[i].~Finding();
    size_ = kept;
    // Blocks past the new end hold no finding any more.
    size_t needed = (size_ + kBlock - 1) / kBlock;
    while (blocks_.size() > needed) {
        FreeBlock(blocks_.size() - 1, 0);
        blocks_.pop_back();
    }
    return removed;
}

//! Sorts run in place into SortFindings order (each finding moves once).
void SortFindings(FindingRun& run);

} // namespace cloudsift
