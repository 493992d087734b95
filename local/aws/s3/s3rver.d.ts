/** The parts of s3rver 3.7.1 (which ships no types) the local S3 uses. */
declare module 's3rver' {
  export interface S3rverOptions {
    readonly address?: string;
    readonly port?: number;
    readonly silent?: boolean;
    readonly directory?: string;
    readonly vhostBuckets?: boolean;
    readonly resetOnClose?: boolean;
    readonly allowMismatchedSignatures?: boolean;
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    /** Starts listening; resolves with the bound address. */
    run(): Promise<{ readonly address: string; readonly port: number }>;
    close(): Promise<void>;
  }
}

/** s3rver's registry of accepted access keys (one account, `S3RVER` only by default). */
declare module 's3rver/lib/models/account.js' {
  interface AwsAccount {
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
    revokeAccessKey(accessKeyId: string): void;
  }
  export const DUMMY_ACCOUNT: AwsAccount;
}
