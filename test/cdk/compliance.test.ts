import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { nagPacks } from '../../cdk/nag.ts';
import { secretFindings } from './helpers/secret-scan.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import { resourcesOf } from './helpers/template.ts';

/**
 * Compliance of every configured environment: cdk-nag's AwsSolutions and Serverless packs with
 * narrow acknowledgements only, and no secret value anywhere in a template.
 */
const synthesis = synthesizedPerFile();

interface Acknowledgement {
  readonly path: string;
  readonly construct: IConstruct;
  readonly id: string;
  readonly reason: string;
}

function acknowledgementsIn(scope: IConstruct): Acknowledgement[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          construct,
          id: id.replace(/^[A-Za-z]+::/, ''),
          reason,
        })),
      ),
  );
}

describe.each(['dev', 'staging', 'prod'])('cdk-nag on %s', (name) => {
  it.each(['AwsSolutions', 'Serverless'])(
    'the %s pack finds nothing unacknowledged, errors or warnings',
    (pack) => {
      // Prepare
      const checks = nagPacks(synthesis.app).find((candidate) => candidate.readPackName === pack);
      if (checks === undefined) throw new Error(`no ${pack} pack`);

      // Act
      const report = checks.validateScope(synthesis.get(name).stack);

      // Assess
      expect(
        report.violations.map((violation) => [
          violation.severity,
          violation.ruleName,
          violation.violatingResources.map((resource) => resource.constructPath),
        ]),
      ).toEqual([]);
      expect(report.success).toBe(true);
    },
  );

  it('synthesizes without a CDK warning or error', () => {
    // Act
    const annotations = Annotations.fromStack(synthesis.get(name).stack);

    // Assess
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledges findings one resource at a time, each with its reason', () => {
    // Act
    const acknowledgements = acknowledgementsIn(synthesis.get(name).stack);

    // Assess
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const acknowledgement of acknowledgements) {
      expect(Stack.isStack(acknowledgement.construct), acknowledgement.path).toBe(false);
      expect(acknowledgement.reason.length, acknowledgement.id).toBeGreaterThan(40);
      if (acknowledgement.id.startsWith('AwsSolutions-IAM')) {
        // IAM findings are acknowledged per action or resource, never the rule as a whole.
        expect(acknowledgement.id, acknowledgement.path).toMatch(
          /^AwsSolutions-IAM\d\[(Action|Resource|Policy)::.+\]$/,
        );
      }
    }
  });
});

describe('the packs', () => {
  it('report a resource that breaks their rules (the check can fail)', () => {
    // Prepare
    const app = new App();
    const stack = new Stack(app, 'control');
    new sqs.Queue(stack, 'Unprotected');

    // Act
    const rules = nagPacks(app).flatMap((pack) =>
      pack.validateScope(stack).violations.map((violation) => violation.ruleName),
    );

    // Assess
    expect(rules).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4', 'Serverless-SQSRedrivePolicy']),
    );
  });
});

describe.each(['dev', 'staging', 'prod'])('the template of %s', (name) => {
  it('holds no secret value anywhere', () => {
    // Act
    const findings = secretFindings(synthesis.get(name).template.toJSON());

    // Assess
    expect(findings).toEqual([]);
  });

  it('creates no IAM access key: the signer’s key exists only in Secrets Manager', () => {
    // Act
    const keys = resourcesOf(synthesis.get(name).template, 'AWS::IAM::AccessKey');

    // Assess
    expect(keys).toEqual([]);
  });
});

describe('the secret scan', () => {
  it.each([
    [
      'a literal secret string',
      { Resources: { S: { Properties: { SecretString: '{"a":1}' } } } },
      'a literal SecretString at $.Resources.S.Properties.SecretString',
    ],
    [
      'a client secret inside JSON in a variable',
      { Variables: { QM_SETTINGS: JSON.stringify({ zoom: { client_secret: 'abc123' } }) } },
      'a value under the secret field $.Variables.QM_SETTINGS(json).zoom.client_secret',
    ],
    // Assembled at run time, so repository secret scanners do not flag this made-up key id.
    ['an access key id', { Endpoint: `AKIA${'ABCDEFGHIJKLMNOP'}` }, 'an AWS access key id'],
    [
      'a presigned URL',
      { Url: 'https://b.s3.amazonaws.com/k?X-Amz-Signature=00' },
      'a presigned URL signature',
    ],
  ])('finds %s (it can fail)', (_label, template, finding) => {
    // Act
    const findings = secretFindings(template);

    // Assess
    expect(findings).toContain(finding);
  });
});
