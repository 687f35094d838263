#include "sim/apis.h"

#include <stdexcept>
#include <vector>

namespace cloudsift::sim {
namespace {

constexpr const char* kS3Req = R"({"bucketName":"%b%","Host":"%b%.s3.%r%.amazonaws.com","key":"%k%"})";
constexpr const char* kS3ObjRes =
    R"([{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::%b%/%k%"},{"accountId":"%a%","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::%b%"}])";
constexpr const char* kS3BucketRes =
    R"([{"accountId":"%a%","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::%b%"}])";
constexpr const char* kS3Add =
    R"({"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":%in%,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"%xid%","bytesTransferredOut":%out%})";
constexpr const char* kKmsRes =
    R"([{"accountId":"%a%","type":"AWS::KMS::Key","ARN":"arn:aws:kms:%r%:%a%:key/%kms%"}])";
constexpr const char* kS3Bucket = R"({"bucketName":"%b%","Host":"%b%.s3.%r%.amazonaws.com","%sub%":""})";

std::vector<Api> BuildApis() {
    std::vector<Api> v = {
        // EC2
        {"ec2.amazonaws.com", "DescribeInstances", "ec2:DescribeInstances", true, false, false,
         R"({"instancesSet":{},"filterSet":{}})", "null", "", ""},
        {"ec2.amazonaws.com", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups", true, false,
         false, R"({"securityGroupSet":{},"securityGroupIdSet":{},"filterSet":{}})", "null", "", ""},
        {"ec2.amazonaws.com", "DescribeVpcs", "ec2:DescribeVpcs", true, false, false,
         R"({"vpcSet":{"items":[{"vpcId":"%vpc%"}]},"filterSet":{}})", "null", "", ""},
        {"ec2.amazonaws.com", "DescribeSubnets", "ec2:DescribeSubnets", true, false, false,
         R"({"subnetSet":{},"filterSet":{"items":[{"name":"vpc-id","valueSet":{"items":[{"value":"%vpc%"}]}}]}})",
         "null", "", ""},
        {"ec2.amazonaws.com", "DescribeVolumes", "ec2:DescribeVolumes", true, false, false,
         R"({"volumeSet":{},"filterSet":{}})", "null", "", ""},
        {"ec2.amazonaws.com", "DescribeNetworkInterfaces", "ec2:DescribeNetworkInterfaces", true,
         false, false, R"({"networkInterfaceIdSet":{},"filterSet":{}})", "null", "", ""},
        {"ec2.amazonaws.com", "DescribeImages", "ec2:DescribeImages", true, false, false,
         R"({"executableBySet":{},"imagesSet":{},"ownersSet":{"items":[{"owner":"self"}]},"availabilityZoneSet":{},"filterSet":{}})",
         "null", "", ""},
        {"ec2.amazonaws.com", "DescribeTags", "ec2:DescribeTags", true, false, false,
         R"({"filterSet":{"items":[{"name":"resource-id","valueSet":{"items":[{"value":"%i%"}]}}]}})",
         "null", "", ""},
        {"ec2.amazonaws.com", "DescribeRegions", "ec2:DescribeRegions", true, false, false,
         R"({"regionSet":{}})", "null", "", ""},
        {"ec2.amazonaws.com", "DescribeSnapshots", "ec2:DescribeSnapshots", true, false, false,
         R"({"snapshotSet":{},"ownersSet":{"items":[{"owner":"self"}]},"sharedUsersSet":{},"filterSet":{}})",
         "null", "", ""},
        {"ec2.amazonaws.com", "DescribeInstanceStatus", "ec2:DescribeInstanceStatus", true, false,
         false, R"({"instancesSet":{"items":[{"instanceId":"%i%"}]},"filterSet":{},"includeAllInstances":false})",
         "null", "", ""},
        {"ec2.amazonaws.com", "CreateTags", "ec2:CreateTags", false, false, false,
         R"({"resourcesSet":{"items":[{"resourceId":"%i%"}]},"tagSet":{"items":[{"key":"Owner","value":"platform"}]}})",
         R"({"requestId":"%u%","_return":true})", "", ""},
        {"ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupIngress",
         false, false, false,
         R"({"groupId":"%sg%","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":%port%,"toPort":%port%,"groups":{},"ipRanges":{"items":[{"cidrIp":"%cidr%"}]},"ipv6Ranges":{},"prefixListIds":{}}]}})",
         R"({"requestId":"%u%","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"%a%","groupId":"%sg%","securityGroupRuleId":"sgr-0%h17%","isEgress":false,"ipProtocol":"tcp","fromPort":%port%,"toPort":%port%,"cidrIpv4":"%cidr%"}]}})",
         "", ""},
        {"ec2.amazonaws.com", "RunInstances", "ec2:RunInstances", false, false, false,
         R"({"instancesSet":{"items":[{"imageId":"%img%","minCount":%count%,"maxCount":%count%}]},"instanceType":"%itype%","blockDeviceMapping":{},"monitoring":{"enabled":false},"disableApiTermination":false,"disableApiStop":false,"clientToken":"%u%"})",
         R"({"requestId":"%u%","reservationId":"r-0%h17%","ownerId":"%a%","groupSet":{},"instancesSet":{"items":[{"instanceId":"%newi%","imageId":"%img%","instanceType":"%itype%","currentInstanceBootMode":"legacy-bios"}]}})",
         "", ""},
        {"ec2.amazonaws.com", "ModifySnapshotAttribute", "ec2:ModifySnapshotAttribute", false,
         false, false,
         R"({"snapshotId":"%snap%","createVolumePermission":{"add":{"items":[{"userId":"%foreign%"}]}},"attributeType":"CREATE_VOLUME_PERMISSION"})",
         R"({"requestId":"%u%","_return":true})", "", ""},
        {"ec2.amazonaws.com", "ModifyImageAttribute", "ec2:ModifyImageAttribute", false, false,
         false,
         R"({"imageId":"%img%","launchPermission":{"add":{"items":[{"userId":"%foreign%"}]}},"attributeType":"launchPermission"})",
         R"({"requestId":"%u%","_return":true})", "", ""},
        {"ec2.amazonaws.com", "DeleteFlowLogs", "ec2:DeleteFlowLogs", false, false, false,
         R"({"DeleteFlowLogsRequest":{"FlowLogId":{"content":"%fl%","tag":1}}})",
         R"({"DeleteFlowLogsResponse":{"xmlns":"http://ec2.amazonaws.com/doc/2016-11-15/","requestId":"%u%","unsuccessful":""}})",
         "", ""},
        // IAM (global)
        {"iam.amazonaws.com", "GetRole", "iam:GetRole", true, false, true,
         R"({"roleName":"%role%"})", "null", "", ""},
        {"iam.amazonaws.com", "ListRoles", "iam:ListRoles", true, false, true, "null", "null", "",
         ""},
        {"iam.amazonaws.com", "ListUsers", "iam:ListUsers", true, false, true, "null", "null", "",
         ""},
        {"iam.amazonaws.com", "GetPolicy", "iam:GetPolicy", true, false, true,
         R"({"policyArn":"arn:aws:iam::%a%:policy/%role%-policy"})", "null", "", ""},
        {"iam.amazonaws.com", "GetPolicyVersion", "iam:GetPolicyVersion", true, false, true,
         R"({"policyArn":"arn:aws:iam::%a%:policy/%role%-policy","versionId":"v3"})", "null", "",
         ""},
        {"iam.amazonaws.com", "ListAttachedRolePolicies", "iam:ListAttachedRolePolicies", true,
         false, true, R"({"roleName":"%role%"})", "null", "", ""},
        {"iam.amazonaws.com", "ListRolePolicies", "iam:ListRolePolicies", true, false, true,
         R"({"roleName":"%role%"})", "null", "", ""},
        {"iam.amazonaws.com", "GetAccountSummary", "iam:GetAccountSummary", true, false, true,
         "null", "null", "", ""},
        {"iam.amazonaws.com", "CreateUser", "iam:CreateUser", false, false, true,
         R"({"userName":"%user%"})",
         R"({"user":{"path":"/","userName":"%user%","userId":"%aida%","arn":"arn:aws:iam::%a%:user/%user%","createDate":"%date%"}})",
         "", ""},
        {"iam.amazonaws.com", "CreateAccessKey", "iam:CreateAccessKey", false, false, true,
         R"({"userName":"%user%"})",
         R"({"accessKey":{"userName":"%user%","accessKeyId":"%akia%","status":"Active","createDate":"%date%"}})",
         "", ""},
        {"iam.amazonaws.com", "AttachUserPolicy", "iam:AttachUserPolicy", false, false, true,
         R"({"userName":"%user%","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"})",
         "null", "", ""},
        {"iam.amazonaws.com", "CreateLoginProfile", "iam:CreateLoginProfile", false, false, true,
         R"({"userName":"%user%","passwordResetRequired":false})",
         R"({"loginProfile":{"userName":"%user%","createDate":"%date%","passwordResetRequired":false}})",
         "", ""},
        // STS
        {"sts.amazonaws.com", "GetCallerIdentity", "sts:GetCallerIdentity", true, false, false,
         "null", "null", "", ""},
        {"sts.amazonaws.com", "AssumeRole", "sts:AssumeRole", true, false, false,
         R"({"roleArn":"arn:aws:iam::%a%:role/%role%","roleSessionName":"%sess%","durationSeconds":3600})",
         R"({"credentials":{"accessKeyId":"%asia%","sessionToken":"%token%","expiration":"%exp%"},"assumedRoleUser":{"assumedRoleId":"%aroa%:%sess%","arn":"arn:aws:sts::%a%:assumed-role/%role%/%sess%"}})",
         R"([{"accountId":"%a%","type":"AWS::IAM::Role","ARN":"arn:aws:iam::%a%:role/%role%"}])",
         ""},
        // S3
        {"s3.amazonaws.com", "ListBuckets", "s3:ListAllMyBuckets", true, false, false,
         R"({"Host":"s3.amazonaws.com"})", "null", "", ""},
        {"s3.amazonaws.com", "GetBucketLocation", "s3:GetBucketLocation", true, false, false,
         R"({"bucketName":"%b%","Host":"%b%.s3.amazonaws.com","location":""})", "null",
         kS3BucketRes, ""},
        {"s3.amazonaws.com", "GetBucketPolicy", "s3:GetBucketPolicy", true, false, false,
         R"({"bucketName":"%b%","Host":"%b%.s3.%r%.amazonaws.com","policy":""})", "null",
         kS3BucketRes, ""},
        {"s3.amazonaws.com", "GetBucketAcl", "s3:GetBucketAcl", true, false, false,
         R"({"bucketName":"%b%","Host":"%b%.s3.%r%.amazonaws.com","acl":""})", "null", kS3BucketRes,
         ""},
        {"s3.amazonaws.com", "GetBucketVersioning", "s3:GetBucketVersioning", true, false, false,
         R"({"bucketName":"%b%","Host":"%b%.s3.%r%.amazonaws.com","versioning":""})", "null",
         kS3BucketRes, ""},
        {"s3.amazonaws.com", "GetBucketTagging", "s3:GetBucketTagging", true, false, false,
         kS3Bucket, "null", kS3BucketRes, ""},
        {"s3.amazonaws.com", "PutBucketVersioning", "s3:PutBucketVersioning", false, false, false,
         R"({"bucketName":"%b%","Host":"%b%.s3.%r%.amazonaws.com","versioning":"","VersioningConfiguration":{"Status":"Suspended","xmlns":"http://s3.amazonaws.com/doc/2006-03-01/"}})",
         "null", kS3BucketRes, ""},
        {"s3.amazonaws.com", "GetObject", "s3:GetObject", true, true, false, kS3Req, "null",
         kS3ObjRes, kS3Add},
        {"s3.amazonaws.com", "PutObject", "s3:PutObject", false, true, false, kS3Req,
         R"({"x-amz-server-side-encryption":"%sse%"})", kS3ObjRes, kS3Add},
        {"s3.amazonaws.com", "CopyObject", "s3:PutObject", false, true, false,
         R"({"bucketName":"%b%","Host":"%b%.s3.%r%.amazonaws.com","key":"%k%","x-amz-copy-source":"%b%/%k%","x-amz-server-side-encryption":"aws:kms","x-amz-server-side-encryption-aws-kms-key-id":"%kmsarn%"})",
         R"({"x-amz-server-side-encryption":"aws:kms","x-amz-server-side-encryption-aws-kms-key-id":"%kmsarn%"})",
         kS3ObjRes, kS3Add},
        {"s3.amazonaws.com", "DeleteObject", "s3:DeleteObject", false, true, false,
         R"({"bucketName":"%b%","Host":"%b%.s3.%r%.amazonaws.com","key":"%k%","versionId":"%ver%"})",
         "null", kS3ObjRes, kS3Add},
        {"s3.amazonaws.com", "DeleteObjects", "s3:DeleteObject", false, true, false,
         R"({"bucketName":"%b%","Host":"%b%.s3.%r%.amazonaws.com","delete":""})", "null",
         kS3BucketRes, kS3Add},
        {"s3.amazonaws.com", "ListObjects", "s3:ListBucket", true, true, false,
         R"({"bucketName":"%b%","Host":"%b%.s3.%r%.amazonaws.com","list-type":"2","prefix":"","encoding-type":"url"})",
         "null", kS3BucketRes, kS3Add},
        // KMS
        {"kms.amazonaws.com", "Decrypt", "kms:Decrypt", true, false, false,
         R"({"encryptionAlgorithm":"SYMMETRIC_DEFAULT"})", "null", kKmsRes, ""},
        {"kms.amazonaws.com", "GenerateDataKey", "kms:GenerateDataKey", true, false, false,
         R"({"keyId":"arn:aws:kms:%r%:%a%:key/%kms%","keySpec":"AES_256"})", "null", kKmsRes, ""},
        {"kms.amazonaws.com", "DescribeKey", "kms:DescribeKey", true, false, false,
         R"({"keyId":"%kms%"})", "null", kKmsRes, ""},
        {"kms.amazonaws.com", "CreateKey", "kms:CreateKey", false, false, false,
         R"({"keyUsage":"ENCRYPT_DECRYPT","keySpec":"SYMMETRIC_DEFAULT","origin":"EXTERNAL","bypassPolicyLockoutSafetyCheck":false})",
         R"({"keyMetadata":{"aWSAccountId":"%a%","keyId":"%kms%","arn":"arn:aws:kms:%r%:%a%:key/%kms%","creationDate":"%date%","enabled":false,"keyUsage":"ENCRYPT_DECRYPT","keyState":"PendingImport","origin":"EXTERNAL","keyManager":"CUSTOMER","keySpec":"SYMMETRIC_DEFAULT","multiRegion":false}})",
         "", ""},
        {"kms.amazonaws.com", "PutKeyPolicy", "kms:PutKeyPolicy", false, false, false,
         R"({"keyId":"%kms%","policyName":"default","policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::%foreign%:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}","bypassPolicyLockoutSafetyCheck":false})",
         "null", kKmsRes, ""},
        // Secrets Manager, SSM
        {"secretsmanager.amazonaws.com", "GetSecretValue", "secretsmanager:GetSecretValue", true,
         false, false, R"({"secretId":"%sec%"})", "null", "", ""},
        {"secretsmanager.amazonaws.com", "ListSecrets", "secretsmanager:ListSecrets", true, false,
         false, "null", "null", "", ""},
        {"ssm.amazonaws.com", "GetParameter", "ssm:GetParameter", true, false, false,
         R"({"name":"%p%","withDecryption":true})", "null", "", ""},
        {"ssm.amazonaws.com", "GetParameters", "ssm:GetParameters", true, false, false,
         R"({"names":["%p%"],"withDecryption":true})", "null", "", ""},
        {"ssm.amazonaws.com", "GetParametersByPath", "ssm:GetParametersByPath", true, false,
         false, R"({"path":"/%acctname%/","recursive":true,"withDecryption":true})", "null", "", ""},
        {"ssm.amazonaws.com", "UpdateInstanceInformation", "ssm:UpdateInstanceInformation", false,
         false, false,
         R"({"instanceId":"%i%","agentVersion":"3.3.131.0","agentStatus":"Active","platformType":"Linux","platformName":"Amazon Linux","platformVersion":"2023","iPAddress":"%ip%","computerName":"ip-%ipdash%.%r%.compute.internal","agentName":"amazon-ssm-agent"})",
         "null", "", ""},
        // Lambda, logs, ECR, CloudFormation, ELB, RDS, CloudWatch, Cost Explorer
        {"lambda.amazonaws.com", "GetFunction20150331v2", "lambda:GetFunction", true, false, false,
         R"({"functionName":"%fn%"})", "null", "", ""},
        {"lambda.amazonaws.com", "ListFunctions20150331", "lambda:ListFunctions", true, false,
         false, "null", "null", "", ""},
        {"lambda.amazonaws.com", "UpdateFunctionCode20150331v2", "lambda:UpdateFunctionCode",
         false, false, false,
         R"({"functionName":"%fn%","s3Bucket":"%b%","s3Key":"%k%","publish":false,"dryRun":false})",
         R"({"functionName":"%fn%","functionArn":"arn:aws:lambda:%r%:%a%:function:%fn%","runtime":"python3.12","role":"arn:aws:iam::%a%:role/%role%","handler":"app.handler","codeSize":%bytes%,"timeout":30,"memorySize":512,"lastModified":"%date%","version":"$LATEST","state":"Active","lastUpdateStatus":"InProgress","packageType":"Zip"})",
         "", ""},
        {"lambda.amazonaws.com", "CreateFunction20150331", "lambda:CreateFunction", false, false,
         false,
         R"({"functionName":"%fn%","runtime":"python3.12","role":"arn:aws:iam::%a%:role/%role%","handler":"lambda_function.lambda_handler","code":{},"timeout":60,"publish":false,"packageType":"Zip"})",
         R"({"functionName":"%fn%","functionArn":"arn:aws:lambda:%r%:%a%:function:%fn%","runtime":"python3.12","role":"arn:aws:iam::%a%:role/%role%","handler":"lambda_function.lambda_handler","codeSize":%bytes%,"timeout":60,"memorySize":128,"lastModified":"%date%","version":"$LATEST","state":"Pending","stateReason":"The function is being created.","stateReasonCode":"Creating","packageType":"Zip"})",
         "", ""},
        {"lambda.amazonaws.com", "Invoke", "lambda:InvokeFunction", false, true, false,
         R"({"functionName":"arn:aws:lambda:%r%:%a%:function:%fn%","sourceArn":"","invocationType":"RequestResponse","logType":"None"})",
         "null",
         R"([{"accountId":"%a%","type":"AWS::Lambda::Function","ARN":"arn:aws:lambda:%r%:%a%:function:%fn%"}])",
         "{\"functionVersion\":\"arn:aws:lambda:%r%:%a%:function:%fn%:$LATEST\"}"},
        {"logs.amazonaws.com", "CreateLogStream", "logs:CreateLogStream", false, false, false,
         R"({"logGroupName":"/aws/lambda/%fn%","logStreamName":"%day%/[$LATEST]%h32%"})", "null",
         "", ""},
        {"ecr.amazonaws.com", "GetAuthorizationToken", "ecr:GetAuthorizationToken", true, false,
         false, "null", "null", "", ""},
        {"cloudformation.amazonaws.com", "DescribeStacks", "cloudformation:DescribeStacks", true,
         false, false, R"({"stackName":"%acctname%-app"})", "null", "", ""},
        {"elasticloadbalancing.amazonaws.com", "DescribeTargetHealth",
         "elasticloadbalancing:DescribeTargetHealth", true, false, false,
         R"({"targetGroupArn":"arn:aws:elasticloadbalancing:%r%:%a%:targetgroup/web/%h16%"})",
         "null", "", ""},
        {"rds.amazonaws.com", "DescribeDBInstances", "rds:DescribeDBInstances", true, false, false,
         "null", "null", "", ""},
        {"rds.amazonaws.com", "ModifyDBSnapshotAttribute", "rds:ModifyDBSnapshotAttribute", false,
         false, false,
         R"({"dBSnapshotIdentifier":"%dbsnap%","attributeName":"restore","valuesToAdd":["%foreign%"]})",
         R"({"dBSnapshotIdentifier":"%dbsnap%","dBSnapshotAttributes":[{"attributeName":"restore","attributeValues":["%foreign%"]}]})",
         "", ""},
        {"monitoring.amazonaws.com", "DescribeAlarms", "cloudwatch:DescribeAlarms", true, false,
         false, R"({"maxRecords":100})", "null", "", ""},
        {"ce.amazonaws.com", "GetCostAndUsage", "ce:GetCostAndUsage", true, false, true,
         R"({"timePeriod":{"start":"%month%-01","end":"%day2%"},"granularity":"DAILY","metrics":["UnblendedCost"]})",
         "null", "", ""},
        // CloudTrail, GuardDuty, Route 53 Resolver
        {"cloudtrail.amazonaws.com", "DescribeTrails", "cloudtrail:DescribeTrails", true, false,
         false, R"({"includeShadowTrails":true})", "null", "", ""},
        {"cloudtrail.amazonaws.com", "StopLogging", "cloudtrail:StopLogging", false, false, false,
         R"({"name":"arn:aws:cloudtrail:%r%:%a%:trail/%trail%"})", "null", "", ""},
        {"cloudtrail.amazonaws.com", "DeleteTrail", "cloudtrail:DeleteTrail", false, false, false,
         R"({"name":"arn:aws:cloudtrail:%r%:%a%:trail/%trail%"})", "null", "", ""},
        {"cloudtrail.amazonaws.com", "PutEventSelectors", "cloudtrail:PutEventSelectors", false,
         false, false,
         R"({"trailName":"%trail%","eventSelectors":[{"readWriteType":"ReadOnly","includeManagementEvents":false,"dataResources":[],"excludeManagementEventSources":[]}]})",
         R"({"trailARN":"arn:aws:cloudtrail:%r%:%a%:trail/%trail%","eventSelectors":[{"readWriteType":"ReadOnly","includeManagementEvents":false,"dataResources":[],"excludeManagementEventSources":[]}]})",
         "", ""},
        {"guardduty.amazonaws.com", "ListDetectors", "guardduty:ListDetectors", true, false, false,
         "null", "null", "", ""},
        {"guardduty.amazonaws.com", "DeleteDetector", "guardduty:DeleteDetector", false, false,
         false, R"({"detectorId":"%h32%"})", "null", "", ""},
        {"route53resolver.amazonaws.com", "DeleteResolverQueryLogConfig",
         "route53resolver:DeleteResolverQueryLogConfig", false, false, false,
         R"({"resolverQueryLogConfigId":"rqlc-%h16%"})",
         R"({"resolverQueryLogConfig":{"id":"rqlc-%h16%","ownerId":"%a%","status":"DELETING","shareStatus":"NOT_SHARED","associationCount":0,"arn":"arn:aws:route53resolver:%r%:%a%:resolver-query-log-config/rqlc-%h16%","name":"vpc-dns-logs","destinationArn":"arn:aws:s3:::acme-%acctname%-dnslogs","creatorRequestId":"%u%","creationTime":"%date%"}})",
         "", ""},
        // Bedrock
        {"bedrock.amazonaws.com", "ListFoundationModels", "bedrock:ListFoundationModels", true,
         false, false, "null", "null", "", ""},
        {"bedrock.amazonaws.com", "GetFoundationModelAvailability",
         "bedrock:GetFoundationModelAvailability", true, false, false,
         R"({"modelId":"%model%"})", "null", "", ""},
        {"bedrock.amazonaws.com", "PutUseCaseForModelAccess", "bedrock:PutUseCaseForModelAccess",
         false, false, false, R"({"formData":"***"})", "null", "", ""},
        {"bedrock.amazonaws.com", "InvokeModel", "bedrock:InvokeModel", true, false, false,
         R"({"modelId":"%model%"})", "null", "",
         R"({"inputTokens":%in%,"outputTokens":%out%})"},
        // Console sign-in (global)
        {"signin.amazonaws.com", "ConsoleLogin", "signin:ConsoleLogin", false, false, true, "null",
         R"({"ConsoleLogin":"%outcome%"})", "",
         R"({"LoginTo":"https://console.aws.amazon.com/console/home?state=hashArgs#&isauthcode=true","MobileVersion":"No","MFAUsed":"%mfa%"})"},
    };
    return v;
}

} // namespace

const std::vector<Api>& AllApis() {
    static const std::vector<Api> apis = BuildApis();
    return apis;
}

const Api& FindApi(std::string_view event_name, std::string_view event_source) {
    for (const Api& a : AllApis())
        if (a.name == event_name && (event_source.empty() || a.source == event_source)) return a;
    throw std::logic_error("simulator API catalog has no " + std::string(event_name));
}

void ExpandTemplate(std::string& out, std::string_view tmpl,
                    const std::function<std::string_view(std::string_view)>& lookup) {
    size_t i = 0;
    while (i < tmpl.size()) {
        size_t p = tmpl.find('%', i);
        if (p == std::string_view::npos) {
            out.append(tmpl.substr(i));
            return;
        }
        size_t q = tmpl.find('%', p + 1);
        if (q == std::string_view::npos) {
            out.append(tmpl.substr(i));
            return;
        }
        out.append(tmpl.substr(i, p - i));
        out.append(lookup(tmpl.substr(p + 1, q - p - 1)));
        i = q + 1;
    }
}

std::string ApiHost(const Api& api, std::string_view region, std::string_view bucket) {
    std::string_view src = api.source;
    std::string_view svc = src.substr(0, src.find('.'));
    if (svc == "s3") {
        if (bucket.empty()) return "s3.amazonaws.com";
        return std::string(bucket) + ".s3." + std::string(region) + ".amazonaws.com";
    }
    if (api.global) return std::string(svc) + ".amazonaws.com";
    if (svc == "signin") return "signin.aws.amazon.com";
    return std::string(svc) + "." + std::string(region) + ".amazonaws.com";
}

} // namespace cloudsift::sim
