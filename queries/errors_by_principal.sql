-- name: errors-by-principal
-- description: Failed calls per principal and error code (reconnaissance and permission probing)
SELECT principal_arn AS principal, errorcode, count(*) AS failures,
       count(DISTINCT eventname) AS distinct_apis, strftime(min(event_time), '%Y-%m-%dT%H:%M:%SZ') AS first,
       strftime(max(event_time), '%Y-%m-%dT%H:%M:%SZ') AS last
FROM cloudtrail_logs
WHERE errorcode IS NOT NULL
GROUP BY 1, 2
ORDER BY failures DESC, principal, errorcode;
