-- name: recon-calls
-- description: Discovery calls (List/Describe/Get) per principal, many distinct APIs first
SELECT principal_arn AS principal, count(*) AS calls, count(DISTINCT eventname) AS apis,
       count(DISTINCT awsregion) AS regions, min(eventtime) AS first, max(eventtime) AS last
FROM cloudtrail_logs
WHERE eventname LIKE 'List%' OR eventname LIKE 'Describe%' OR eventname LIKE 'Get%'
GROUP BY 1
ORDER BY apis DESC, principal;
