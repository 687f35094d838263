// Amazon S3 server access logs (format "s3access").
//
// Grammar (space-separated, "quoted" and [bracketed] tokens, "-" = missing):
//   record := bucketowner bucket [requestdatetime] remoteip requester requestid operation key
//             "request_uri" httpstatus errorcode bytessent objectsize totaltime turnaroundtime
//             "referrer" "useragent" versionid [hostid sigv ciphersuite authtype endpoint
//             tlsversion accesspointarn aclrequired source_region]
// Field names are the column names of AWS's Athena table for S3 access logs. Older logs stop
// after versionid (18 fields); AWS appends fields over time and extra ones are ignored.
#pragma once
#include "formats/format.h"

namespace cloudsift {

//! The "s3access" format.
const Format& S3AccessFormat();

} // namespace cloudsift
