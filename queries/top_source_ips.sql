-- name: top-source-ips
-- description: Source IP addresses by number of calls, with principals and failures
SELECT sourceipaddress, count(*) AS events, count(DISTINCT principal_arn) AS principals,
       sum(CASE WHEN errorcode IS NOT NULL THEN 1 ELSE 0 END) AS failures,
       strftime(min(event_time), '%Y-%m-%dT%H:%M:%SZ') AS first,
       strftime(max(event_time), '%Y-%m-%dT%H:%M:%SZ') AS last
FROM cloudtrail_logs
GROUP BY sourceipaddress
ORDER BY events DESC, sourceipaddress
LIMIT 50;
