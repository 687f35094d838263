-- name: key-activity
-- description: Everything done with one access key (AKIA/ASIA), in time order
-- params: key
SELECT eventtime, eventsource, eventname, awsregion, sourceipaddress, errorcode,
       principal_arn AS principal, useragent
FROM cloudtrail_logs
WHERE access_key_id = {{key}}
ORDER BY eventtime, eventid;
