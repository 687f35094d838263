-- name: console-login-no-mfa
-- description: Successful console sign-ins without MFA
SELECT eventtime, principal_type AS identity_type, principal_arn AS principal,
       sourceipaddress, useragent
FROM cloudtrail_logs
WHERE eventname = 'ConsoleLogin' AND mfa_used = 'false' AND outcome = 'success'
ORDER BY eventtime, eventid;
