-- name: logging-changes
-- description: Changes to CloudTrail, Config, GuardDuty and flow logs (defense evasion)
SELECT eventtime, eventsource, eventname, principal_arn AS principal, awsregion,
       sourceipaddress, requestparameters, errorcode
FROM cloudtrail_logs
WHERE eventname IN ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors',
                    'PutInsightSelectors', 'StartLogging', 'DeleteFlowLogs',
                    'StopConfigurationRecorder', 'DeleteConfigurationRecorder',
                    'DeleteDeliveryChannel', 'DeleteDetector', 'UpdateDetector',
                    'DisassociateFromMasterAccount', 'DeleteLogGroup', 'DeleteLogStream')
ORDER BY eventtime, eventid;
