import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadDeployment } from '../../cdk/environments.ts';
import { EXPORT_COLUMNS } from '../../shared/results/bi-export-columns.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import { arnOf, resourceNamed, resourcesOf } from './helpers/template.ts';

/**
 * The BI export's catalog and query side: the Glue table over the export (its columns are the
 * export's, its partitions projected by date, no crawler) and the Athena workgroup whose query
 * results are encrypted with the environment's key in a bucket of their own.
 */
const synthesis = synthesizedPerFile(() => [loadDeployment('dev')]);
const dev = () => synthesis.get('dev');

describe('the BI export of dev', () => {
  it('is a Glue table with the export columns, partitioned by date with projection, and no crawler', () => {
    // Prepare
    const { template, stack, deployment } = dev();
    const names = stack.resources.names;
    const prefix = deployment.settings.polling.results.export.keyPrefix;
    const resultsBucket = resourceNamed(
      template,
      'AWS::S3::Bucket',
      'BucketName',
      stack.resolve(names.resultsBucket),
    );
    const location = { 'Fn::Join': ['', ['s3://', { Ref: resultsBucket.logicalId }, `/${prefix}`]] };

    // Act
    const tables = resourcesOf(template, 'AWS::Glue::Table');

    // Assess
    expect(tables).toHaveLength(1);
    expect(resourcesOf(template, 'AWS::Glue::Crawler')).toEqual([]);
    template.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: { Name: names.glueDatabase },
    });
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: names.glueDatabase,
      TableInput: {
        Name: 'results',
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [Match.objectLike({ Name: 'dt', Type: 'string' })],
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': Match.stringLikeRegexp('^\\d{4}-\\d{2}-\\d{2},NOW$'),
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': {
            'Fn::Join': ['', ['s3://', { Ref: resultsBucket.logicalId }, `/${prefix}dt=\${dt}/`]],
          },
        }),
        StorageDescriptor: Match.objectLike({
          Location: location,
          Columns: EXPORT_COLUMNS.map((column) => ({
            Name: column.name,
            Type: column.type,
            Comment: column.comment,
          })),
          SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' }),
        }),
      },
    });
  });

  it('has an Athena workgroup that enforces SSE-KMS with the environment key on its own results bucket', () => {
    // Prepare
    const { template, stack } = dev();
    const names = stack.resources.names;
    const key = resourcesOf(template, 'AWS::KMS::Key')[0];
    const queryResults = resourceNamed(
      template,
      'AWS::S3::Bucket',
      'BucketName',
      stack.resolve(names.queryResultsBucket),
    );

    // Act
    const workGroups = resourcesOf(template, 'AWS::Athena::WorkGroup');

    // Assess
    expect(workGroups).toHaveLength(1);
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: names.athenaWorkGroup,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: queryResults.logicalId }, '/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: arnOf(key?.logicalId ?? 'no key') },
        },
      },
    });
    expect(queryResults.properties['BucketEncryption']).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: arnOf(key?.logicalId ?? 'no key'),
          },
        },
      ],
    });
  });
});
