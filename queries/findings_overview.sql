-- name: findings-overview
-- description: Findings by rule and level, with the principals involved
SELECT level, rule_title, count(*) AS findings, count(DISTINCT actor) AS actors,
       min(time) AS first, max(time) AS last
FROM findings
GROUP BY level, rule_title
ORDER BY CASE level WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2
                    WHEN 'low' THEN 3 ELSE 4 END, findings DESC, rule_title;
