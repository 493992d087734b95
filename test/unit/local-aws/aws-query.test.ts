import { describe, expect, it } from 'vitest';
import { QueryParameters } from '../../../local/aws/emulator/aws-query.ts';
import { AwsServiceError } from '../../../local/aws/emulator/service-error.ts';
import { localAwsEnv } from '../../../local/aws/index.ts';

describe('QueryParameters (awsQuery form bodies)', () => {
  it('reads flattened members, entries and string maps as the SDK serialises them', () => {
    // Prepare
    const body =
      'Action=PublishBatch&Version=2010-03-31&TopicArn=arn%3At&PublishBatchRequestEntries.member.1.Id=1' +
      '&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name=a' +
      '&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue=x%20y' +
      '&PublishBatchRequestEntries.member.2.Id=2&Attributes.entry.1.key=RawMessageDelivery&Attributes.entry.1.value=true';
    // Act
    const parameters = QueryParameters.fromForm(body);
    const members = parameters.members('PublishBatchRequestEntries');
    // Assess
    expect(parameters.require('TopicArn')).toBe('arn:t');
    expect(members.map((member) => member.get('Id'))).toEqual(['1', '2']);
    expect(
      members[0]
        ?.entries('MessageAttributes')
        .map((entry) => [entry.get('Name'), entry.get('Value.StringValue')]),
    ).toEqual([['a', 'x y']]);
    expect(parameters.stringMap('Attributes')).toEqual({ RawMessageDelivery: 'true' });
  });

  it('answers a missing required parameter with InvalidParameter', () => {
    // Prepare
    const parameters = QueryParameters.fromForm('Action=Publish');
    // Act
    const read = () => parameters.require('TopicArn');
    // Assess
    expect(read).toThrow(AwsServiceError);
    expect(read).toThrow(expect.objectContaining({ code: 'InvalidParameter' }));
  });
});

describe('localAwsEnv', () => {
  it('names one endpoint variable per running service, with the region and dummy credentials', () => {
    // Prepare
    const endpoints = { s3: 'http://127.0.0.1:1', secretsManager: 'http://127.0.0.1:2' };
    // Act
    const env = localAwsEnv(endpoints, 'eu-west-1');
    // Assess
    expect(env).toEqual({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: expect.stringMatching(/^[A-Za-z0-9]+$/),
      AWS_SECRET_ACCESS_KEY: expect.any(String),
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:2',
    });
  });
});
