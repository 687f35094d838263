-- name: root-activity
-- description: Every API call made by the root user
SELECT eventtime, eventsource, eventname, awsregion, sourceipaddress, errorcode, useragent
FROM cloudtrail_logs
WHERE principal_type = 'Root' AND invoked_by IS NULL
ORDER BY eventtime, eventid;
