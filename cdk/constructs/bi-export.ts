import { CfnOutput, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { STACK_OUTPUTS } from '../../shared/config/resources.ts';
import { EXPORT_PARTITION_COLUMN } from '../../shared/results/bi-export.ts';
import { EXPORT_COLUMNS } from '../../shared/results/bi-export-columns.ts';
import { acknowledgeWildcardResource } from '../nag.ts';
import { grantResultsWrite } from './grants.ts';
import { SecureBucket } from './secure-bucket.ts';

export interface BiExportProps {
  /** The results bucket; the export lives under `keyPrefix` in it. */
  readonly resultsBucket: s3.IBucket;
  readonly keyPrefix: string;
  /** The functions that write the export: each that writes a terminal status. */
  readonly writers: readonly iam.IGrantable[];
  readonly databaseName: string;
  readonly workGroupName: string;
  readonly queryResultsBucketName: string;
  readonly encryptionKey: kms.IKey;
  readonly accessLogsBucket: s3.IBucket;
  /** The first day the export may hold (partition projection's range starts there). */
  readonly firstDay: string;
  readonly removalPolicy: RemovalPolicy;
  readonly autoDeleteObjects: boolean;
}

/** Athena's query results are kept this long: they are re-run at will, and may hold personal data. */
const QUERY_RESULTS_EXPIRE_AFTER_DAYS = 30;

/**
 * The BI side of the results: the Glue Data Catalog table over the export (JSON Lines by date,
 * shared/results/bi-export.ts), with partition projection so Athena finds each day's partition by
 * itself (no crawler, no MSCK REPAIR), and an Athena workgroup whose query results go to a bucket
 * of their own, encrypted with the environment's key, with that configuration enforced.
 */
export class BiExport extends Construct {
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  readonly workGroup: athena.CfnWorkGroup;
  readonly queryResults: s3.Bucket;

  constructor(scope: Construct, id: string, props: BiExportProps) {
    super(scope, id);
    const { account } = Stack.of(this);
    const location = `s3://${props.resultsBucket.bucketName}/${props.keyPrefix}`;

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: {
        name: props.databaseName,
        description: 'qm-ingest results exported for BI (Athena, QuickSight)',
      },
    });
    this.table = new glue.CfnTable(this, 'ResultsTable', {
      catalogId: account,
      databaseName: props.databaseName,
      tableInput: {
        name: 'results',
        description: 'One row per finished recording, submission and results revision (see docs/results.md)',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [
          {
            name: EXPORT_PARTITION_COLUMN,
            type: 'string',
            comment: 'UTC date the recording reached its result',
          },
        ],
        parameters: {
          EXTERNAL: 'TRUE',
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          [`projection.${EXPORT_PARTITION_COLUMN}.type`]: 'date',
          [`projection.${EXPORT_PARTITION_COLUMN}.format`]: 'yyyy-MM-dd',
          [`projection.${EXPORT_PARTITION_COLUMN}.range`]: `${props.firstDay},NOW`,
          [`projection.${EXPORT_PARTITION_COLUMN}.interval`]: '1',
          [`projection.${EXPORT_PARTITION_COLUMN}.interval.unit`]: 'DAYS',
          'storage.location.template': `${location}${EXPORT_PARTITION_COLUMN}=\${${EXPORT_PARTITION_COLUMN}}/`,
        },
        storageDescriptor: {
          location,
          columns: EXPORT_COLUMNS.map((column) => ({ ...column })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          compressed: true,
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // A line a later release widened (a new field) or an odd value never fails a query.
            parameters: { 'ignore.malformed.json': 'true' },
          },
        },
      },
    });
    this.table.node.addDependency(this.database);

    this.queryResults = new SecureBucket(this, 'QueryResults', {
      bucketName: props.queryResultsBucketName,
      encryptionKey: props.encryptionKey,
      versioned: false,
      accessLogs: { bucket: props.accessLogsBucket, prefix: 'queries/' },
      abortIncompleteUploadsAfterDays: 1,
      lifecycleRules: [
        { id: 'expire-query-results', expiration: Duration.days(QUERY_RESULTS_EXPIRE_AFTER_DAYS) },
      ],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.autoDeleteObjects,
    }).bucket;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName,
      description: 'Queries over the qm-ingest results export',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: `s3://${this.queryResults.bucketName}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.encryptionKey.keyArn },
        },
      },
    });

    const objects = `${props.keyPrefix}*`;
    for (const writer of props.writers) {
      grantResultsWrite(writer, props.resultsBucket, objects);
      acknowledgeWildcardResource(
        writer,
        props.resultsBucket.arnForObjects(objects),
        'The BI export is written (PutObject only) under its prefix, one object per finished recording.',
      );
    }

    const output = (key: string, value: string, description: string) =>
      new CfnOutput(Stack.of(this), key, { value, description });
    output(
      STACK_OUTPUTS.athenaWorkGroup,
      props.workGroupName,
      'Run the queries of docs/results.md in this Athena workgroup',
    );
    output(
      STACK_OUTPUTS.glueDatabase,
      props.databaseName,
      'The Glue database of the results export (table `results`)',
    );
    output(STACK_OUTPUTS.resultsExportLocation, location, 'The BI export (gzipped JSON Lines by date)');
  }
}
