// CloudWatch Logs exports and subscription deliveries (format "cloudwatch"): whole-document
// decoder that unwraps each log event's message into the format that recognizes it.
//
// Accepted:
//   subscription / Firehose  {"messageType":"DATA_MESSAGE","owner","logGroup","logStream",
//                             "subscriptionFilters":[…],"logEvents":[{"id","timestamp",
//                             "message"}…]}  one per line, pretty-printed, or back to back
//                             (CONTROL_MESSAGE envelopes are noted and skipped)
//   export task files        lines "<ISO-8601 time> <message>" (CreateExportTask output)
// Each message is sniffed (the first message of each log group decides, by the same sniffers as
// files, excluding this format) and fed as one line to that format's decoder, kept open per log
// group. Records get the envelope's timestamp and owner account when the inner record has none.
// A message no format recognizes becomes a record of its own: the parsed JSON if it is JSON,
// else the fields logGroup, logStream, id, timestamp, message.
#pragma once
#include "formats/format.h"

namespace cloudsift {

//! The "cloudwatch" format.
const Format& CloudWatchFormat();

} // namespace cloudsift
