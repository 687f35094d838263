-- name: key-activity
-- description: Everything done with one access key (AKIA/ASIA), in time order
-- params: key
SELECT eventtime, eventsource, eventname, awsregion, sourceipaddress, errorcode,
       useridentity.arn AS principal, useragent
FROM cloudtrail_logs
WHERE useridentity.accesskeyid = {{key}}
ORDER BY eventtime;
