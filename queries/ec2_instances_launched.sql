-- name: ec2-instances-launched
-- description: Instances launched (resource hijacking), with type and count per region
SELECT eventtime, principal_arn AS principal, awsregion,
       json_extract_scalar(requestparameters, '$.instanceType') AS instance_type,
       json_extract_scalar(requestparameters, '$.instancesSet.items[0].maxCount') AS max_count,
       sourceipaddress, errorcode
FROM cloudtrail_logs
WHERE eventname = 'RunInstances'
ORDER BY eventtime, eventid;
