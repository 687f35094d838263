// The format singletons, one accessor per decoder; registry.cpp lists them for sniffing.
#pragma once
#include "formats/format.h"

namespace cloudsift {

//! CloudTrail S3 delivery files ({"Records":[...]}), JSON arrays of events, LookupEvents output.
const Format& CloudTrailFormat();
//! CloudTrail events one per line (CloudTrail Lake / Athena / SIEM exports).
const Format& CloudTrailJsonlFormat();
//! CloudTrail digest files (recognized and reported, records not hunted).
const Format& CloudTrailDigestFormat();

// Formats of other sources are declared in their own headers and listed in registry.cpp.

} // namespace cloudsift
