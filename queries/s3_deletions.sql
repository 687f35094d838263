-- name: s3-deletions
-- description: S3 bucket and object deletions and bucket policy/ACL changes
SELECT eventtime, eventname, principal_arn AS principal,
       json_extract_scalar(requestparameters, '$.bucketName') AS bucket,
       json_extract_scalar(requestparameters, '$.key') AS object_key, sourceipaddress, errorcode
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND eventname IN ('DeleteBucket', 'DeleteObject', 'DeleteObjects', 'DeleteBucketPolicy',
                    'PutBucketPolicy', 'PutBucketAcl', 'PutBucketPublicAccessBlock',
                    'DeleteBucketPublicAccessBlock', 'PutBucketLifecycle',
                    'PutBucketLifecycleConfiguration', 'DeleteBucketEncryption')
ORDER BY eventtime, eventid;
