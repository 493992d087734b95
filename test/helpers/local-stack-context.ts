import type { LocalAwsService } from '../../local/aws/index.ts';

/**
 * What the integration global setup hands to every test file: where the local AWS stack of this
 * run listens and the environment that points default SDK clients at it.
 */
export interface LocalAwsConnection {
  readonly endpoints: Readonly<Record<LocalAwsService, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly region: string;
  readonly accountId: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    localAws: LocalAwsConnection;
  }
}
