-- name: console-login-no-mfa
-- description: Successful console sign-ins without MFA
SELECT eventtime, useridentity.type AS identity_type, useridentity.arn AS principal,
       sourceipaddress, useragent
FROM cloudtrail_logs
WHERE eventname = 'ConsoleLogin'
  AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'
  AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success'
ORDER BY eventtime;
