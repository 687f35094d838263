-- name: iam-changes
-- description: IAM write activity (users, roles, policies, trust) by principal
SELECT eventtime, eventname, principal_arn AS principal,
       coalesce(json_extract_scalar(requestparameters, '$.userName'),
                json_extract_scalar(requestparameters, '$.roleName'),
                json_extract_scalar(requestparameters, '$.policyArn')) AS target,
       sourceipaddress, errorcode
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com' AND readonly = 'false'
ORDER BY eventtime, eventid;
