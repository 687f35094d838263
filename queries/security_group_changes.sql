-- name: security-group-changes
-- description: Security group rule changes, with the group and the calling principal
SELECT eventtime, eventname, principal_arn AS principal, awsregion,
       json_extract_scalar(requestparameters, '$.groupId') AS group_id, sourceipaddress,
       requestparameters, errorcode
FROM cloudtrail_logs
WHERE eventname IN ('AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress',
                    'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress',
                    'CreateSecurityGroup', 'DeleteSecurityGroup', 'ModifySecurityGroupRules')
ORDER BY eventtime, eventid;
