#include "hunt/finding_run.h"

#include <sys/mman.h>

#include <new>
#include <utility>

namespace cloudsift {
namespace {

constexpr size_t kBlockBytes = FindingRun::kBlock * sizeof(Finding);

Finding* MapBlock() {
    void* p =
        mmap(nullptr, kBlockBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        throw std::bad_alloc();
    return static_cast<Finding*>(p);
}

} // namespace

FindingRun::FindingRun(FindingRun&& o) noexcept
    : blocks_(std::move(o.blocks_)), size_(o.size_), released_(o.released_) {
    o.blocks_.clear();
    o.size_ = o.released_ = 0;
}

FindingRun& FindingRun::operator=(FindingRun&& o) noexcept {
    if (this != &o) {
        Clear();
        blocks_ = std::move(o.blocks_);
        size_ = o.size_;
        released_ = o.released_;
        o.blocks_.clear();
        o.size_ = o.released_ = 0;
    }
    return *this;
}

void FindingRun::push_back(Finding&& f) {
    if (size_ == blocks_.size() * kBlock)
        blocks_.push_back(MapBlock());
    new (&blocks_[size_ / kBlock][size_ % kBlock]) Finding(std::move(f));
    ++size_;
}

void FindingRun::FreeBlock(size_t b, size_t count) {
    Finding* block = blocks_[b];
    if (!block)
        return;
    for (size_t i = 0; i < count; ++i)
        block[i].~Finding();
    munmap(block, kBlockBytes);
    blocks_[b] = nullptr;
}

void FindingRun::ReleaseBefore(size_t i) {
    for (; released_ < i / kBlock && released_ < blocks_.size(); ++released_)
        FreeBlock(released_, kBlock);
}

void FindingRun::Clear() {
    for (size_t b = released_; b < blocks_.size(); ++b)
        FreeBlock(b, std::min(kBlock, size_ - b * kBlock));
    blocks_.clear();
    size_ = released_ = 0;
}

size_t FindingRun::mapped_blocks() const {
    size_t n = 0;
    for (const Finding* b : blocks_)
        n += b != nullptr;
    return n;
}

void SortFindings(FindingRun& run) {
    ApplyOrder(run, FindingOrderOf(run, [](const Finding& f) -> const Finding& { return f; }));
}

} // namespace cloudsift
