import { LOCAL_CREDENTIALS } from './constants.ts';
import { ENDPOINT_VARIABLES, type LocalAwsService } from './services.ts';

/**
 * The environment that points default SDK clients at the local servers: one
 * `AWS_ENDPOINT_URL_<SERVICE>` per running service, the region and the dummy credentials. This is
 * the whole difference between a local and a deployed run, so production code needs no endpoint
 * option and no local branch.
 */
export function localAwsEnv(
  endpoints: Partial<Readonly<Record<LocalAwsService, string>>>,
  region: string,
): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  for (const [service, endpoint] of Object.entries(endpoints)) {
    if (endpoint !== undefined) env[ENDPOINT_VARIABLES[service as LocalAwsService]] = endpoint;
  }
  return env;
}
