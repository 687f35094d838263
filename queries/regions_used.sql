-- name: regions-used
-- description: Regions with activity, their principals and first/last event (unusual regions)
SELECT awsregion, count(*) AS events, count(DISTINCT principal_arn) AS principals,
       strftime(min(event_time), '%Y-%m-%dT%H:%M:%SZ') AS first,
       strftime(max(event_time), '%Y-%m-%dT%H:%M:%SZ') AS last
FROM cloudtrail_logs
GROUP BY awsregion
ORDER BY events DESC, awsregion;
