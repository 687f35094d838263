-- name: ip-activity
-- description: Everything done from one source IP address
-- params: ip
SELECT eventtime, principal_arn AS principal, access_key_id AS access_key,
       eventsource, eventname, awsregion, errorcode, useragent
FROM cloudtrail_logs
WHERE sourceipaddress = {{ip}}
ORDER BY eventtime, eventid;
