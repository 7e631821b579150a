# The seed's Lambda (/work/shared/seed/000_e9802a6c18140c08.txt), transcribed from the blog post's
# listing with only its OCR damage repaired (quotes, `lambda_handler`, `client_ecs`, `existing_tms`,
# `"eni"`, `"detail"`); logic, calls and messages as published. Run by ./run_seed.py against the
# emulator, with boto3's own default (legacy) retry.
import json

import boto3

import logging

import os

from botocore.exceptions import ClientError

log = logging.getLogger()
log.setLevel(logging.INFO)


def lambda_handler(event, context):
    TrafficMirrorFilter = os.environ.get('TrafficMirrorFilter')
    TrafficMirrorTarget = os.environ.get('TrafficMirrorTarget')
    client = boto3.client('ec2')
    client_ecs = boto3.client('ecs')
    # print(json.dumps(event))

    if event["source"] != "aws.ecs" or event["detail-type"] != "ECS Task State Change":
        log.info(f'Function only supports input from events with a source type of: aws.ecs')
        raise ValueError("Function only supports input from events with a source type of: aws.ecs")
    log.info(f' laststatus: {event["detail"]["lastStatus"]}')
    TaskId = event["resources"][0].split('/')[2]
    Cluster = event["resources"][0].split('/')[1]
    log.info(f'Container Task Id: {TaskId} on Cluster: {Cluster}')
    for attachment in event["detail"]["attachments"]:
        # log.info(f'{json.dumps(event)}')

        if attachment.get("status") == "ATTACHED" and attachment.get("type") == "eni":
            for property in attachment.get("details"):
                if property["name"] == "networkInterfaceId" and event["detail"]["lastStatus"] == "ACTIVATING":

                    print(property["value"])
                    # check if tms allready exists
                    existing_tms = client.describe_traffic_mirror_sessions(
                        Filters=[
                            {
                                'Name': 'network-interface-id',
                                'Values': [
                                    property["value"],
                                ]
                            },
                        ],
                        MaxResults=5
                    ).get('TrafficMirrorSessions', [])
                    if existing_tms:
                        log.info(f'TrafficMirrorSession for interface {property["value"]} already exists')
                    else:
                        log.info(f'Creating TrafficMirrorSession for interface {property["value"]}')
                        try:
                            response = client.create_traffic_mirror_session(
                                NetworkInterfaceId=property["value"],
                                TrafficMirrorTargetId=TrafficMirrorTarget,
                                TrafficMirrorFilterId=TrafficMirrorFilter,
                                SessionNumber=1,
                                Description="Traffic mirror Source created by lambda",
                                TagSpecifications=[
                                    {
                                        'ResourceType': 'traffic-mirror-session',
                                        'Tags': [
                                            {
                                                'Key': 'Name',
                                                'Value': "Session for interface " + property["value"]
                                            },
                                        ]
                                    },
                                ],
                                DryRun=False
                            )
                        except ClientError as e:
                            if e.response['Error']['Code'] == 'InvalidNetworkInterfaceID.NotFound':
                                log.info(f'Eni not present yet {property["value"]}')
                            elif e.response['Error']['Code'] == 'NetworkInterfaceNotSupportedException':
                                response = client_ecs.stop_task(
                                    cluster=Cluster,
                                    task=TaskId,
                                    reason='killed by lambda due to not spawned on nitro instance for trafficmirror reasons'
                                )
                                log.info(f'Killing Task: {TaskId} on Cluster {Cluster} since the task was not started on a nitro instance (Traffic mirror not available)')
                            else:
                                log.info(f'Error for {property["value"]} is Code: {e.response["Error"]["Code"]} Message: {e.response["Error"]["Message"]}')
