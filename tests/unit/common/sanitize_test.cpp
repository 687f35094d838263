// Output neutralization: JSON strings (RFC 8259 escapes, invalid UTF-8 replaced), terminal text
// and CSV cells, including the 8-byte fast path of the JSON writer at every alignment.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/sanitize.h"
#include "common/shared_text.h"
#include "common/time_util.h"

namespace cloudsift {
namespace {

TEST(JsonString, EscapesWhatRfc8259Requires) {
    EXPECT_EQ(JsonString("plain"), "\"plain\"");
    EXPECT_EQ(JsonString("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(JsonString("\n\r\t"), "\"\\n\\r\\t\"");
    EXPECT_EQ(JsonString(std::string_view("\x01\x1b\x7f", 3)), "\"\\u0001\\u001b\\u007f\"");
    EXPECT_EQ(JsonString("caf\xc3\xa9 \xe2\x82\xac"), "\"caf\xc3\xa9 \xe2\x82\xac\"");
}

TEST(JsonString, InvalidUtf8BecomesReplacementCharacter) {
    EXPECT_EQ(JsonString("a\xff"
                         "b"),
              "\"a\\ufffdb\"");
    EXPECT_EQ(JsonString("\xc3"), "\"\\ufffd\"");                       // truncated sequence
    EXPECT_EQ(JsonString("\xc0\xaf"), "\"\\ufffd\\ufffd\"");            // overlong
    EXPECT_EQ(JsonString("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\""); // surrogate
}

// Every special byte at every offset of a long string: the word-at-a-time scan must never skip one.
TEST(JsonString, SpecialByteAtEveryOffsetRoundTrips) {
    const std::string specials[] = {"\"",   "\\",   "\n",       std::string(1, '\0'),
                                    "\x1f", "\x7f", "\xc3\xa9", "\xf0\x9f\x98\x80"};
    for (const auto& sp : specials)
        for (size_t pos = 0; pos < 40; ++pos) {
            std::string s(pos, 'x');
            s += sp;
            s += std::string(23, 'y');
            auto parsed = nlohmann::json::parse(JsonString(s));
            EXPECT_EQ(parsed.get<std::string>(), s) << "offset " << pos;
        }
}

TEST(JsonString, InvalidByteAfterLongAsciiRunIsReplaced) {
    std::string s(37, 'a');
    s += '\xfe';
    s += "tail";
    EXPECT_EQ(JsonString(s), "\"" + std::string(37, 'a') + "\\ufffdtail\"");
}

// RFC 3629: valid text is returned as it is; each byte outside a valid sequence becomes U+FFFD,
// wherever it falls relative to the 8-byte ASCII scan.
TEST(ValidUtf8, KeepsValidTextAndReplacesEachBrokenByte) {
    std::string scratch;
    const std::string valid = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 plain ascii text";
    EXPECT_EQ(ValidUtf8(valid, scratch).data(), valid.data());
    const std::string fffd = "\xef\xbf\xbd";
    EXPECT_EQ(ValidUtf8("a\xff"
                        "b",
                        scratch),
              "a" + fffd + "b");
    EXPECT_EQ(ValidUtf8("\xc3", scratch), fffd);                                  // truncated
    EXPECT_EQ(ValidUtf8("\xc0\xaf", scratch), fffd + fffd);                       // overlong
    EXPECT_EQ(ValidUtf8("\xed\xa0\x80", scratch), fffd + fffd + fffd);            // surrogate
    EXPECT_EQ(ValidUtf8("\xf4\x90\x80\x80", scratch), fffd + fffd + fffd + fffd); // > U+10FFFF
    for (size_t pos = 0; pos < 24; ++pos) {
        std::string s(pos, 'x');
        s += "\xfe\xc3\xa9";
        s += std::string(9, 'y');
        std::string want = std::string(pos, 'x') + fffd + "\xc3\xa9" + std::string(9, 'y');
        EXPECT_EQ(ValidUtf8(s, scratch), want) << "offset " << pos;
        EXPECT_FALSE(IsValidUtf8(s)) << "offset " << pos;
        EXPECT_TRUE(IsValidUtf8(ValidUtf8(s, scratch)));
    }
}

// The well-formed byte sequences of the Unicode standard (chapter 3, table 3-7), written out
// as the table gives them: the reference IsValidUtf8 and ValidUtf8 are checked against.
bool WellFormedUtf8(std::string_view s) {
    auto in = [](uint8_t c, uint8_t lo, uint8_t hi) { return c >= lo && c <= hi; };
    for (size_t i = 0; i < s.size();) {
        auto b = [&](size_t k) { return i + k < s.size() ? uint8_t(s[i + k]) : uint8_t(0); };
        auto tail = [&](size_t k) { return i + k < s.size() && in(b(k), 0x80, 0xBF); };
        const uint8_t c = b(0);
        size_t n = 0;
        if (c <= 0x7F)
            n = 1;
        else if (in(c, 0xC2, 0xDF))
            n = tail(1) ? 2 : 0;
        else if (c == 0xE0)
            n = i + 1 < s.size() && in(b(1), 0xA0, 0xBF) && tail(2) ? 3 : 0;
        else if (in(c, 0xE1, 0xEC) || in(c, 0xEE, 0xEF))
            n = tail(1) && tail(2) ? 3 : 0;
        else if (c == 0xED)
            n = i + 1 < s.size() && in(b(1), 0x80, 0x9F) && tail(2) ? 3 : 0;
        else if (c == 0xF0)
            n = i + 1 < s.size() && in(b(1), 0x90, 0xBF) && tail(2) && tail(3) ? 4 : 0;
        else if (in(c, 0xF1, 0xF3))
            n = tail(1) && tail(2) && tail(3) ? 4 : 0;
        else if (c == 0xF4)
            n = i + 1 < s.size() && in(b(1), 0x80, 0x8F) && tail(2) && tail(3) ? 4 : 0;
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

// Every string of one and two bytes, and three- and four-byte strings made of the bytes where
// the table's ranges begin and end, each alone, after an ASCII run long enough for the
// eight-byte steps and in a text long enough for SIMD validation: IsValidUtf8 agrees with the
// table, and ValidUtf8 keeps exactly the valid.
TEST(ValidUtf8, AgreesWithTheStandardsTableOfWellFormedSequences) {
    const uint8_t edges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                             0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
                             0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
    std::vector<std::string> cases;
    for (int a = 0; a < 256; ++a) {
        cases.push_back(std::string(1, char(a)));
        for (int b = 0; b < 256; ++b)
            cases.push_back({char(a), char(b)});
    }
    for (uint8_t a : edges)
        for (uint8_t b : edges)
            for (uint8_t c : edges) {
                cases.push_back({char(a), char(b), char(c)});
                for (uint8_t d : edges)
                    cases.push_back({char(a), char(b), char(c), char(d)});
            }
    std::string scratch;
    size_t valid = 0;
    for (const std::string& bytes : cases)
        for (const std::string& s : {bytes, std::string(13, 'a') + bytes + "tail",
                                     std::string(70, 'a') + bytes + "tail"}) {
            const bool want = WellFormedUtf8(s);
            valid += want;
            ASSERT_EQ(IsValidUtf8(s), want)
                << nlohmann::json::binary(std::vector<uint8_t>(s.begin(), s.end()));
            ASSERT_EQ(ValidUtf8(s, scratch).data() == s.data(), want);
            ASSERT_TRUE(WellFormedUtf8(ValidUtf8(s, scratch)));
        }
    EXPECT_GT(valid, 1000u); // the table admits many of them, not none
}

TEST(TerminalSafe, NeutralizesEscapes) {
    EXPECT_EQ(TerminalSafe("ok\x1b[31mred"), "ok\\x1b[31mred");
}

// Every position of a control or broken byte: at the start, between printable runs, at the end;
// printable ASCII and valid UTF-8 around them are kept as they are.
TEST(TerminalSafe, EveryKindOfByteAnywhere) {
    const std::pair<std::string, std::string> cases[] = {
        {"", ""},
        {"plain ASCII ~!", "plain ASCII ~!"},
        {"\x1b]0;title\x07", "\\x1b]0;title\\x07"},
        {"a\tb", "a b"},
        {"line\nnext\r", "line\\x0anext\\x0d"},
        {"del\x7f", "del\\x7f"},
        {"caf\xc3\xa9 \xf0\x9f\x94\x91 ok", "caf\xc3\xa9 \xf0\x9f\x94\x91 ok"},
        {"csi\xc2\x9b"
         "31m",
         "csi\\x9b31m"},
        {"bad\xff\xfe"
         "bytes",
         "bad\\xff\\xfe"
         "bytes"},
        {"\xc3", "\\xc3"},
        {std::string("nul\0mid", 7), "nul\\x00mid"},
    };
    for (const auto& [in, want] : cases)
        EXPECT_EQ(TerminalSafe(in), want) << in;
}

TEST(CsvCell, GuardsFormulas) {
    EXPECT_EQ(CsvCell("=1+1"), "'=1+1");
    EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
}

// The appending form takes a shortcut for plain cells; it must give CsvCell's text for every
// kind of cell, and append rather than replace.
TEST(CsvCell, AppendingFormGivesTheSameCells) {
    const std::string cells[] = {"",           "plain",       "=1+1",        "+x",
                                 "-2",         "@SUM(A1)",    "|cmd",        "%0A",
                                 "\tx",        "\rx",         "a,b",         "say \"hi\"",
                                 "two\nlines", "\x1b[31mred", "caf\xc3\xa9", "bad\xff",
                                 "\xc2\x9bx",  "a=b",         "ends with ,", "~tilde~"};
    for (const std::string& c : cells) {
        std::string out = "prefix;";
        AppendCsvCell(out, c);
        EXPECT_EQ(out, "prefix;" + CsvCell(c)) << c;
    }
    std::string out;
    AppendCsvCell(out, "=cmd|' /C calc'!A0");
    EXPECT_EQ(out.front(), '\'');
}

TEST(SharedText, SharesAndCompares) {
    SharedText a("arn:aws:iam::111122223333:user/alice");
    SharedText b = a;
    EXPECT_EQ(a.identity(), b.identity());
    EXPECT_EQ(b, "arn:aws:iam::111122223333:user/alice");
    EXPECT_TRUE(SharedText("a") < SharedText("b"));
    EXPECT_EQ(SharedText("x") + "y", "xy");
    EXPECT_TRUE(SharedText().empty());
    EXPECT_EQ(SharedText("").identity(), nullptr);
    std::string s = a;
    EXPECT_EQ(s, a.view());
    TextInterner interner(2);
    EXPECT_EQ(interner.Get("p").identity(), interner.Get("p").identity());
    interner.Get("q");
    interner.Get("r"); // over capacity: the pool restarts, values stay valid
    EXPECT_EQ(interner.Get("p"), "p");
}

// Copies share one list and outlive the original; assignment, self-assignment and moves keep
// the count right (the sanitizer build reports a leak or a double free otherwise).
TEST(SharedStrings, CopiesShareOneListThatTheLastCopyFrees) {
    static_assert(sizeof(SharedStrings) == sizeof(void*));
    static_assert(sizeof(SharedText) == sizeof(void*));
    SharedStrings copy;
    {
        SharedStrings tags({"attack.t1098", "attack.persistence"});
        copy = tags;
        EXPECT_EQ(copy.identity(), tags.identity());
        SharedStrings& same = tags;
        tags = same;
        EXPECT_EQ(tags.size(), 2u);
    }
    ASSERT_EQ(copy.size(), 2u);
    EXPECT_EQ(copy[0], "attack.t1098");
    SharedStrings moved = std::move(copy);
    EXPECT_TRUE(copy.empty()); // NOLINT(bugprone-use-after-move): a moved-from list is empty
    EXPECT_EQ(moved.back(), "attack.persistence");
    SharedStrings longer = moved.With("attack.t1078");
    EXPECT_EQ(longer.size(), 3u);
    EXPECT_EQ(moved.size(), 2u);
    EXPECT_NE(longer.identity(), moved.identity());
    EXPECT_EQ(SharedStrings(SharedStrings::List{}).identity(), nullptr);
    EXPECT_TRUE(moved == SharedStrings({"attack.t1098", "attack.persistence"}));
}

TEST(TextInterner, SlotsAnswerTheLastTextOrLookItUp) {
    TextInterner interner;
    SharedText a = interner.Get("alpha", 0);
    EXPECT_EQ(a, "alpha");
    EXPECT_EQ(interner.Get("alpha", 0).identity(), a.identity()); // the slot's last answer
    EXPECT_EQ(interner.Get("alpha", 1).identity(), a.identity()); // another slot: the pool
    EXPECT_EQ(interner.Get("beta", 0), "beta");                   // a new value replaces it
    EXPECT_EQ(interner.Get("alpha", 0).identity(), a.identity()); // and the pool still has it
    EXPECT_TRUE(interner.Get("", 0).empty());
    EXPECT_EQ(interner.Get("", 0).identity(), nullptr);
    EXPECT_EQ(interner.Get("gamma", TextInterner::kSlots - 1), "gamma");
}

TEST(TextRanks, EqualTextsShareARankAndRanksFollowTextOrder) {
    std::vector<SharedText> items = {SharedText("b"), SharedText("a"), SharedText("b"),
                                     SharedText("c"), SharedText()};
    items.push_back(items[0]); // a copy: the same identity
    auto rank = TextRanks(items, [](const SharedText& t) -> const SharedText& { return t; });
    EXPECT_EQ(rank.size(), 5u); // identities: b, a, b (another), c, empty
    EXPECT_EQ(rank[items[4].identity()], 0u);
    EXPECT_EQ(rank[items[1].identity()], 1u);
    EXPECT_EQ(rank[items[0].identity()], 2u);
    EXPECT_EQ(rank[items[2].identity()], 2u);
    EXPECT_EQ(rank[items[3].identity()], 3u);
}

TEST(FormatIsoTime, FixedLayout) {
    EXPECT_EQ(FormatIsoTime(0, true), "1970-01-01T00:00:00Z");
    EXPECT_EQ(FormatIsoTime(1709294400123, true), "2024-03-01T12:00:00.123Z");
    EXPECT_EQ(FormatIsoTime(1709294400123, false), "2024-03-01T12:00:00Z");
    EXPECT_EQ(FormatIsoTime(-1000, false), "1969-12-31T23:59:59Z");
}

} // namespace
} // namespace cloudsift
