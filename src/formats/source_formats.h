// Accessors of every non-CloudTrail format, for registry.cpp and the CLI.
#pragma once
#include "formats/cloudfront.h"
#include "formats/elb.h"
#include "formats/s3access.h"
#include "formats/vpcflow.h"
#include "formats/webserver.h"
#include "formats/auditd.h"
#include "formats/route53.h"
#include "formats/syslog.h"
#include "formats/waf.h"
#include "formats/cloudwatch.h"
#include "formats/eventbridge.h"
#include "formats/findings.h"
