-- name: new-access-keys
-- description: Access keys and login profiles created (persistence)
SELECT eventtime, principal_arn AS creator, eventname,
       json_extract_scalar(requestparameters, '$.userName') AS target_user,
       json_extract_scalar(responseelements, '$.accessKey.accessKeyId') AS new_key,
       sourceipaddress, errorcode
FROM cloudtrail_logs
WHERE eventname IN ('CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile')
ORDER BY eventtime, eventid;
