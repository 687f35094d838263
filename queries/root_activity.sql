-- name: root-activity
-- description: Every API call made by the root user
SELECT eventtime, eventsource, eventname, awsregion, sourceipaddress, errorcode, useragent
FROM cloudtrail_logs
WHERE useridentity.type = 'Root' AND useridentity.invokedby IS NULL
ORDER BY eventtime;
