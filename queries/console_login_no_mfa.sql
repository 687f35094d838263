-- name: console-login-no-mfa
-- description: Successful console sign-ins without MFA
SELECT eventtime, principal_type AS identity_type, principal_arn AS principal,
       sourceipaddress, useragent
FROM cloudtrail_logs
WHERE eventname = 'ConsoleLogin'
  AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'
  AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success'
ORDER BY eventtime, eventid;
