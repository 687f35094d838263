// Case-insensitive substring search (IContains) against a plain reference, and the literal
// prefilter of regular expressions (RegexRequiredLiteral) against RE2 itself.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>

#include "common/strings.h"
#include "sigma/detection.h"
#include "sigma/value_pattern.h"

namespace cloudsift::sigma {
namespace {

bool ReferenceIContains(std::string_view h, std::string_view n) {
    std::string hl = ToLower(h), nl = ToLower(n);
    return hl.find(nl) != std::string::npos;
}

TEST(IContains, AgreesWithLowerCasedFindOnRandomText) {
    // Small alphabet so matches, near-misses and matches at every offset of a 16-byte block occur.
    std::mt19937 rng(7);
    const std::string alphabet = "aAbB-kK";
    auto random_text = [&](size_t n) {
        std::string s;
        for (size_t i = 0; i < n; ++i) s += alphabet[rng() % alphabet.size()];
        return s;
    };
    size_t found = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string h = random_text(rng() % 70), n = random_text(1 + rng() % 5);
        bool expect = ReferenceIContains(h, n);
        found += expect;
        ASSERT_EQ(IContains(h, n), expect) << "haystack '" << h << "' needle '" << n << "'";
    }
    EXPECT_GT(found, 1000u); // the corpus exercises both outcomes
    EXPECT_LT(found, 19000u);
}

TEST(IContains, EdgesOfTheHaystack) {
    EXPECT_TRUE(IContains("", ""));
    EXPECT_FALSE(IContains("", "a"));
    EXPECT_TRUE(IContains("Mozilla/5.0 (X11; Kali Linux)", "kali"));
    EXPECT_TRUE(IContains("0123456789abcdefKALI", "kali"));  // at the very end, past a block
    EXPECT_TRUE(IContains("0123456789abcdeKALI", "kali"));   // straddling a block
    EXPECT_FALSE(IContains("0123456789abcdefKAL", "kali"));  // truncated at the end
    EXPECT_TRUE(IContains("xx\xc3\xa9KA", "\xc3\xa9k"));     // bytes above ASCII compare as is
}

TEST(RegexLiteral, ExtractsOnlyCertainLiterals) {
    using detail::RegexRequiredLiteral;
    EXPECT_EQ(RegexRequiredLiteral(".+:assumed-role/aws:.+"), ":assumed-role/aws:");
    EXPECT_EQ(RegexRequiredLiteral("^arn:aws:iam::[0-9]+:root$"), "arn:aws:iam::");
    EXPECT_EQ(RegexRequiredLiteral("abcd?"), "abc");      // d is optional
    EXPECT_EQ(RegexRequiredLiteral("abcd*xy"), "abc");
    EXPECT_EQ(RegexRequiredLiteral("abcd{0,2}"), "abc");
    EXPECT_EQ(RegexRequiredLiteral("abcd+"), "abcd");     // d at least once
    EXPECT_EQ(RegexRequiredLiteral("(optional)?tail_text"), "tail_text");
    EXPECT_EQ(RegexRequiredLiteral("[abc]defg[h]"), "defg");
    EXPECT_EQ(RegexRequiredLiteral("ab\\.cdef"), "cdef");
    EXPECT_EQ(RegexRequiredLiteral("(?:x)?literal"), "literal");
    EXPECT_EQ(RegexRequiredLiteral("foo|barbaz"), "");   // alternation: nothing is certain
    EXPECT_EQ(RegexRequiredLiteral("(?i)literal"), "");  // flags change matching
    EXPECT_EQ(RegexRequiredLiteral("ab"), "");           // too short to pay off
}

// Every pattern's literal is found in every text RE2 matches (the prefilter never rejects a
// match), on generated patterns and texts.
TEST(RegexLiteral, NeverRejectsARe2Match) {
    std::mt19937 rng(11);
    const std::vector<std::string> atoms = {"a",    "b",    "ab",    "abc",    "c:a",
                                            "c",    ".",    "[ab]",  "(ab)",   "(a|b)",
                                            "(?:ca)", "\\.", "x",  ":",      "-"};
    const std::vector<std::string> quants = {"", "", "", "?", "*", "+", "{0,2}", "{1}"};
    const std::string chars = "abcx:-.";
    size_t with_literal = 0, matches = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string pattern;
        for (int k = 1 + int(rng() % 6); k > 0; --k)
            pattern += atoms[rng() % atoms.size()] + quants[rng() % quants.size()];
        RE2 re(pattern);
        ASSERT_TRUE(re.ok()) << pattern;
        std::string lit = detail::RegexRequiredLiteral(pattern);
        with_literal += !lit.empty();
        for (int t = 0; t < 40; ++t) {
            std::string text;
            for (int n = int(rng() % 12); n > 0; --n) text += chars[rng() % chars.size()];
            if (RE2::PartialMatch(text, re)) {
                ++matches;
                EXPECT_NE(text.find(lit), std::string::npos)
                    << "pattern '" << pattern << "' literal '" << lit << "' text '" << text << "'";
            }
        }
    }
    EXPECT_GT(with_literal, 100u);
    EXPECT_GT(matches, 1000u);
}

} // namespace
} // namespace cloudsift::sigma
