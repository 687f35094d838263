-- name: recon-calls
-- description: Discovery calls (List/Describe/Get) per principal, many distinct APIs first
SELECT principal_arn AS principal, count(*) AS calls, count(DISTINCT eventname) AS apis,
       count(DISTINCT awsregion) AS regions, strftime(min(event_time), '%Y-%m-%dT%H:%M:%SZ') AS first,
       strftime(max(event_time), '%Y-%m-%dT%H:%M:%SZ') AS last
FROM cloudtrail_logs
WHERE eventname LIKE 'List%' OR eventname LIKE 'Describe%' OR eventname LIKE 'Get%'
GROUP BY 1
ORDER BY apis DESC, principal;
