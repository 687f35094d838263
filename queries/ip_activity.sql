-- name: ip-activity
-- description: Everything done from one source IP address
-- params: ip
SELECT eventtime, useridentity.arn AS principal, useridentity.accesskeyid AS access_key,
       eventsource, eventname, awsregion, errorcode, useragent
FROM cloudtrail_logs
WHERE sourceipaddress = {{ip}}
ORDER BY eventtime;
