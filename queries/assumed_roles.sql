-- name: assumed-roles
-- description: Role assumptions: who assumed what, the session name and the new key
SELECT eventtime, eventname, principal_arn AS caller,
       json_extract_scalar(requestparameters, '$.roleArn') AS role,
       json_extract_scalar(requestparameters, '$.roleSessionName') AS session,
       json_extract_scalar(responseelements, '$.credentials.accessKeyId') AS new_key,
       awsregion, sourceipaddress, errorcode
FROM cloudtrail_logs
WHERE eventname IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity',
                    'GetSessionToken', 'GetFederationToken')
ORDER BY eventtime, eventid;
