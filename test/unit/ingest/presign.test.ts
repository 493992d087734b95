import { GetObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { S3Presigner } from '../../../shared/ingest/presign.ts';
import { TestClock } from '../../helpers/ingest-fakes.ts';

const ROLE = { accessKeyId: 'ASIAROLEKEY000000001', secretAccessKey: 'role-secret' };
const IAM_USER = { accessKeyId: 'FAKESIGNERUSER000001', secretAccessKey: 'signer-secret' };
const OBJECT = { bucket: 'recordings', key: 'calls/2026-11-24/a b.mp3', versionId: '3HL4kqtJlcpXroDTD' };

function presignerWith(credentials: S3ClientConfig['credentials'], options: { signer?: boolean } = {}) {
  const clock = new TestClock('2026-11-24T10:00:00Z');
  const s3 = new S3Client({ region: 'eu-west-1', credentials });
  const presigner = new S3Presigner({
    s3,
    urlExpirySeconds: 3600,
    unknownCredentialLifetimeSeconds: 900,
    clock,
    signingCredentials: options.signer ? { getCredentials: async () => IAM_USER } : undefined,
  });
  return { clock, s3, presigner };
}

describe('S3Presigner', () => {
  it('presigns a GET of the exact version, valid for the configured time, without sending anything', async () => {
    // Prepare
    const { clock, s3, presigner } = presignerWith(ROLE);
    const sent = mockClient(s3);

    // Act
    const presigned = await presigner.presignGet(OBJECT);

    // Assess
    const url = new URL(presigned.url);
    expect(url.host).toBe('recordings.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/calls/2026-11-24/a%20b.mp3');
    expect(url.searchParams.get('versionId')).toBe(OBJECT.versionId);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^ASIAROLEKEY000000001\/20261124\/eu-west-1\/s3\/aws4_request$/,
    );
    expect(presigned.expiresAt).toBe(clock.now() + 3_600_000);
    expect(sent.calls()).toHaveLength(0);
  });

  it('stops at the expiry of temporary credentials when they expire first', async () => {
    // Prepare
    const expiration = new Date('2026-11-24T10:20:00Z');
    const { presigner } = presignerWith({ ...ROLE, sessionToken: 'session', expiration });

    // Act
    const presigned = await presigner.presignGet(OBJECT);

    // Assess
    expect(presigned.expiresAt).toBe(expiration.getTime());
    expect(new URL(presigned.url).searchParams.get('X-Amz-Security-Token')).toBe('session');
  });

  it('assumes a cautious lifetime for temporary credentials that do not say when they expire', async () => {
    // Prepare
    const { clock, presigner } = presignerWith({ ...ROLE, sessionToken: 'session' });

    // Act
    const presigned = await presigner.presignGet(OBJECT);

    // Assess
    expect(presigned.expiresAt).toBe(clock.now() + 900_000);
  });

  it("signs with the dedicated IAM user's keys exactly as the SDK would with them", async () => {
    // Prepare
    const { clock, presigner } = presignerWith(
      { ...ROLE, sessionToken: 'session', expiration: new Date('2026-11-24T10:05:00Z') },
      { signer: true },
    );
    const asTheUser = new S3Client({ region: 'eu-west-1', credentials: IAM_USER });
    const expected = await getSignedUrl(
      asTheUser,
      new GetObjectCommand({ Bucket: OBJECT.bucket, Key: OBJECT.key, VersionId: OBJECT.versionId }),
      { expiresIn: 3600, signingDate: new Date(clock.now()) },
    );

    // Act
    const presigned = await presigner.presignGet(OBJECT);

    // Assess
    expect(presigned.url).toBe(expected);
    expect(presigned.url).not.toContain('X-Amz-Security-Token');
    expect(presigned.expiresAt).toBe(clock.now() + 3_600_000);
  });

  it('leaves the version out for an unversioned bucket', async () => {
    // Prepare
    const { presigner } = presignerWith(ROLE);

    // Act
    const presigned = await presigner.presignGet({ bucket: 'recordings', key: 'a.mp3' });

    // Assess
    expect(new URL(presigned.url).searchParams.has('versionId')).toBe(false);
  });
});
