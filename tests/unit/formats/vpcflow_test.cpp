#include <gtest/gtest.h>

#include "format_test_util.h"
#include "formats/vpcflow.h"

namespace cloudsift::test {
namespace {

TEST(VpcFlow, DefaultV2Format) {
    auto d = DecodeWith(VpcFlowFormat(), Fixture("vpcflow_default.log"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 5u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.cls, EventClass::NetworkActivity);
    EXPECT_EQ(r.time, 1700000000000);
    EXPECT_EQ(r.N("src_ip"), "10.0.1.15");
    EXPECT_EQ(r.N("dst_ip"), "198.51.100.7");
    EXPECT_EQ(r.N("src_port"), "44321");
    EXPECT_EQ(r.N("dst_port"), "443");
    EXPECT_EQ(r.N("protocol"), "tcp");
    EXPECT_EQ(r.N("action"), "ACCEPT");
    EXPECT_EQ(r.N("outcome"), "success");
    EXPECT_EQ(r.N("account"), "111122223333");
    EXPECT_EQ(r.N("interface_id"), "eni-0a1b2c3d4e5f60718");
    EXPECT_EQ(r.N("product"), "aws");
    EXPECT_EQ(r.N("logsource_service"), "vpcflow");
    EXPECT_EQ(r.N("category"), "firewall");
    EXPECT_TRUE(r.Has("account-id", "111122223333"));
    EXPECT_TRUE(r.Has("log-status", "OK"));
    EXPECT_TRUE(r.Has("src_ip", "10.0.1.15")); // Sigma firewall alias
    EXPECT_TRUE(r.Has("dst_port", "443"));
    EXPECT_EQ(d.records[1].N("outcome"), "failure");
    // NODATA: emitted, missing values omitted, time from start.
    EXPECT_TRUE(d.records[2].Has("log-status", "NODATA"));
    EXPECT_EQ(d.records[2].json.find("srcaddr"), std::string::npos);
    EXPECT_EQ(d.records[2].time, 1700000060000);
    EXPECT_TRUE(d.records[3].Has("log-status", "SKIPDATA"));
    EXPECT_EQ(d.records[4].N("src_ip"), "2001:db8:10::5");
    EXPECT_EQ(d.records[4].N("protocol"), "udp");
    EXPECT_EQ(d.records[4].line, 5u);
}

TEST(VpcFlow, CustomHeaderAnyOrder) {
    FileInfo info;
    info.hints.region = "eu-west-1"; // overridden by the region field
    auto d = DecodeWith(VpcFlowFormat(), Fixture("vpcflow_custom_v5.log"), info);
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 2u);
    const auto& r = d.records[0];
    EXPECT_EQ(r.N("vpc_id"), "vpc-0aa11bb22cc33dd44");
    EXPECT_EQ(r.N("instance_id"), "i-0badc0ffee1234567");
    EXPECT_EQ(r.N("region"), "us-east-1");
    EXPECT_EQ(r.N("dst_ip"), "52.94.0.10");
    EXPECT_EQ(r.time, 1700000200000);
    EXPECT_TRUE(r.Has("pkt-dst-aws-service", "AMAZON"));
    EXPECT_TRUE(r.Has("tcp-flags", "19"));
    EXPECT_TRUE(r.Has("flow-direction", "egress"));
    EXPECT_EQ(d.records[1].N("action"), "REJECT");
    EXPECT_EQ(d.records[1].N("dst_port"), "3389");
    EXPECT_EQ(d.records[1].line, 3u);
}

TEST(VpcFlow, TransitGatewayWithHeader) {
    auto d = DecodeWith(VpcFlowFormat(), Fixture("vpcflow_tgw.log"));
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 1u);
    EXPECT_TRUE(d.records[0].Has("tgw-id", "tgw-0123456789abcdef0"));
    EXPECT_EQ(d.records[0].N("resource"), "tgw-attach-0aaa1111bbbb2222c");
    EXPECT_EQ(d.records[0].N("dst_port"), "5432");
}

TEST(VpcFlow, HeaderlessTgwUsesDocumentedOrder) {
    // 36 values in the documented TGW order, no header line (CloudWatch / Firehose delivery).
    std::string line = "6 TransitGateway 111122223333 tgw-0123456789abcdef0 tgw-attach-0aaa "
                       "111122223333 444455556666 vpc-0aaa1111 vpc-0bbb2222 - - - - - - - "
                       "10.0.1.15 10.1.2.20 49152 5432 6 40 16000 1700000300 1700000360 OK IPv4 "
                       "0 0 0 0 2 us-east-1 ingress - -\n";
    auto d = DecodeWith(VpcFlowFormat(), line);
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 1u);
    EXPECT_TRUE(d.records[0].Has("tgw-attachment-id", "tgw-attach-0aaa"));
    EXPECT_EQ(d.records[0].N("src_ip"), "10.0.1.15");
    EXPECT_EQ(d.records[0].N("region"), "us-east-1");
    EXPECT_EQ(d.report.notes().size(), 1u);
}

TEST(VpcFlow, ForcedFieldList) {
    auto fields = ParseVpcFlowFields("${version} ${srcaddr} ${dstaddr} ${action} ${start}");
    ASSERT_TRUE(fields.ok());
    ASSERT_EQ(fields.value().size(), 5u);
    auto fmt = MakeVpcFlowFormat(fields.value());
    EXPECT_EQ(fmt->Name(), "vpcflow");
    auto d = DecodeWith(*fmt, "5 10.0.0.1 10.0.0.2 REJECT 1700000000\n5 1 2 3\n");
    ASSERT_EQ(d.records.size(), 1u);
    EXPECT_EQ(d.records[0].N("dst_ip"), "10.0.0.2");
    EXPECT_EQ(d.records[0].N("outcome"), "failure");
    EXPECT_EQ(d.report.bad(), 1u);
    EXPECT_EQ(d.report.reasons().count("vpcflow.field_count"), 1u);
}

TEST(VpcFlow, ParseFieldsAcceptsPlainListsAndRejectsJunk) {
    auto plain = ParseVpcFlowFields("version, account-id interface-id");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain.value(), (std::vector<std::string>{"version", "account-id", "interface-id"}));
    EXPECT_FALSE(ParseVpcFlowFields("").ok());
    EXPECT_FALSE(ParseVpcFlowFields("${version").ok());
    EXPECT_FALSE(ParseVpcFlowFields("version Src;Addr").ok());
}

TEST(VpcFlow, MalformedLinesAreCountedAndDecodingGoesOn) {
    auto d = DecodeWith(VpcFlowFormat(), Fixture("vpcflow_malformed.log"));
    EXPECT_EQ(d.records.size(), 2u);
    EXPECT_EQ(d.report.bad(), 2u);
    EXPECT_EQ(d.report.reasons().at("vpcflow.field_count"), 1u);
    EXPECT_EQ(d.report.reasons().at("vpcflow.not_a_record"), 1u);
    EXPECT_EQ(d.records[1].line, 5u);
}

// Fields are separated by any run of spaces and tabs, wherever the runs and the fields fall
// (the splitter works 16 bytes at a time): every spacing of one record decodes alike.
TEST(VpcFlow, AnySpacingOfSpacesAndTabs) {
    const std::vector<std::string> fields = {"2", "111122223333", "eni-0a1b2c3d4e5f60718",
                                             "10.0.1.15", "198.51.100.7", "44321", "443", "6",
                                             "10", "8400", "1700000000", "1700000060", "ACCEPT",
                                             "OK"};
    const std::vector<std::string> gaps = {" ", "\t", "  ", " \t ", "\t\t", "               "
                                           "    "};
    for (size_t variant = 0; variant < 40; ++variant) {
        std::string line(variant % 3, variant % 2 ? '\t' : ' '); // leading blanks
        for (size_t i = 0; i < fields.size(); ++i) {
            if (i) line += gaps[(variant + i * 7) % gaps.size()];
            line += fields[i];
        }
        line += std::string(variant % 4, ' '); // trailing blanks
        auto d = DecodeWith(VpcFlowFormat(), line + "\n");
        ASSERT_EQ(d.report.bad(), 0u) << "variant " << variant << ": " << Reasons(d.report);
        ASSERT_EQ(d.records.size(), 1u) << "variant " << variant;
        EXPECT_EQ(d.records[0].N("interface_id"), "eni-0a1b2c3d4e5f60718") << variant;
        EXPECT_EQ(d.records[0].N("dst_ip"), "198.51.100.7") << variant;
        EXPECT_EQ(d.records[0].N("action"), "ACCEPT") << variant;
        EXPECT_TRUE(d.records[0].Has("log-status", "OK")) << variant;
    }
}

// A line with more values than any layout is rejected, however long.
TEST(VpcFlow, TooManyValuesAreRejected) {
    std::string line = "2";
    for (int i = 0; i < 500; ++i) line += " 1";
    auto d = DecodeWith(VpcFlowFormat(), line + "\n");
    EXPECT_EQ(d.records.size(), 0u);
    EXPECT_EQ(d.report.reasons().at("vpcflow.field_count"), 1u);
}

TEST(VpcFlow, HeaderThatLiesAboutFieldCount) {
    std::string data = "version srcaddr dstaddr\n2 111122223333 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 "
                       "1700000000 1700000060 ACCEPT OK\n";
    auto d = DecodeWith(VpcFlowFormat(), data);
    EXPECT_EQ(d.records.size(), 0u);
    EXPECT_EQ(d.report.reasons().at("vpcflow.field_count"), 1u);
}

TEST(VpcFlow, BinaryGarbageAndHugeLines) {
    auto d = DecodeWith(VpcFlowFormat(), Fixture("vpcflow_binary.log"));
    EXPECT_EQ(d.records.size(), 0u);
    EXPECT_EQ(d.report.bad(), 2u);
    std::string huge(1 << 20, '7');
    huge += "\n";
    auto h = DecodeWith(VpcFlowFormat(), huge);
    EXPECT_EQ(h.records.size(), 0u);
    EXPECT_EQ(h.report.bad(), 1u);
    std::string many;
    for (int i = 0; i < 200; ++i) many += "2 ";
    auto m = DecodeWith(VpcFlowFormat(), many + "\n");
    EXPECT_EQ(m.report.reasons().at("vpcflow.field_count"), 1u);
}

TEST(VpcFlow, JsonMessageWrapperAndCloudWatchExportPrefix) {
    std::string data =
        "{\"message\":\"2 111122223333 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1700000000 1700000060 "
        "ACCEPT OK\"}\n"
        "2023-11-14T22:13:20.000Z 2 111122223333 eni-1 10.0.0.3 10.0.0.2 1 2 6 1 1 1700000000 "
        "1700000060 REJECT OK\n";
    auto d = DecodeWith(VpcFlowFormat(), data);
    ASSERT_EQ(d.report.bad(), 0u) << Reasons(d.report);
    ASSERT_EQ(d.records.size(), 2u);
    EXPECT_EQ(d.records[0].N("src_ip"), "10.0.0.1");
    EXPECT_EQ(d.records[1].N("src_ip"), "10.0.0.3");
}

TEST(VpcFlow, Sniffing) {
    FileInfo none;
    EXPECT_GE(VpcFlowFormat().Sniff(Fixture("vpcflow_default.log"), none), 80);
    EXPECT_GE(VpcFlowFormat().Sniff(Fixture("vpcflow_custom_v5.log"), none), 80);
    EXPECT_GE(VpcFlowFormat().Sniff(Fixture("vpcflow_tgw.log"), none), 80);
    EXPECT_LT(VpcFlowFormat().Sniff("{\"Records\":[]}", none), 30);
    EXPECT_LT(VpcFlowFormat().Sniff("Jan  1 00:00:00 host sshd[1]: hello\n", none), 30);
    FileInfo hinted;
    hinted.hints.service = "vpcflowlogs";
    EXPECT_GE(VpcFlowFormat().Sniff("", hinted), 30);
}

} // namespace
} // namespace cloudsift::test
