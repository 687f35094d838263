// VPC Flow Logs and Transit Gateway flow logs (format "vpcflow").
//
// Grammar:
//   file    := (header | record | blank)*
//   header  := name (' ' name)*          first token not a number, e.g. "version account-id …"
//   record  := [iso-time ' '] value (' ' value)*   values in header order, "-" = missing
//   record  := '{' … '"message":"<record>"' … '}'  (a JSON wrapper holding one record)
// A header line (S3 delivery of custom formats) sets the field order for the lines that follow.
// Without one, lines use the fields given to MakeVpcFlowFormat, else: 14 values = default v2
// format; a TGW-looking line (4th value "tgw-…" or 2nd "TransitGateway") = AWS's documented TGW
// field order; otherwise the first N (≥ 14) fields of AWS's documented v2…v8 order (a note says
// so); shorter headerless lines need a field list.
// NODATA / SKIPDATA records are emitted with their log-status.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "formats/format.h"

namespace cloudsift {

//! The "vpcflow" format (VPC and Transit Gateway flow logs).
const Format& VpcFlowFormat();

//! Parses a flow log format as written in AWS's --log-format ("${version} ${srcaddr} …") or as a
//! plain space/comma separated list ("version srcaddr …"). Error when empty or a name is not
//! [a-z0-9-]+. This is what the CLI flag --vpcflow-fields takes.
Result<std::vector<std::string>> ParseVpcFlowFields(std::string_view spec);

//! A "vpcflow" format whose headerless lines use fields (from ParseVpcFlowFields); a header line
//! inside a file still takes precedence for the lines after it.
std::unique_ptr<Format> MakeVpcFlowFormat(std::vector<std::string> fields);

//! AWS's documented VPC flow log fields in version order (v2 default 14 first, then v3…v8).
const std::vector<std::string>& VpcFlowDocumentedFields();

//! AWS's documented Transit Gateway flow log fields in their default order.
const std::vector<std::string>& TgwFlowDocumentedFields();

} // namespace cloudsift
