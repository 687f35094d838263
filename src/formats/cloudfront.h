// Amazon CloudFront standard (access) logs, W3C extended format (format "cloudfront").
//
// Grammar:
//   file    := ('#Version:' text | '#Fields:' name (' ' name)* | record)*
//   record  := value ('\t' value)*      values in #Fields order; "-" = missing
// Without a #Fields line the documented 33-field order is assumed. Values stay URL-encoded as
// CloudFront writes them. W3C field names are kept ("cs(User-Agent)"); Sigma's webserver names
// (cs-user-agent, cs-referer, cs-host) are added beside them.
#pragma once
#include "formats/format.h"

namespace cloudsift {

//! The "cloudfront" format.
const Format& CloudFrontFormat();

} // namespace cloudsift
