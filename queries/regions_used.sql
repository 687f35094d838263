-- name: regions-used
-- description: Regions with activity, their principals and first/last event (unusual regions)
SELECT awsregion, count(*) AS events, count(DISTINCT principal_arn) AS principals,
       min(eventtime) AS first, max(eventtime) AS last
FROM cloudtrail_logs
GROUP BY awsregion
ORDER BY events DESC, awsregion;
