import { PermanentError } from '../../../shared/errors.ts';

/**
 * An error an emulated service returns to its caller, in that service's wire format: the `code` is
 * the AWS error code the SDK turns into its exception class (ResourceNotFoundException,
 * NotFound...), so callers see the same exceptions as against AWS.
 */
export class AwsServiceError extends PermanentError {
  readonly code: string;
  readonly statusCode: number;

  constructor(code: string, message: string, statusCode = 400) {
    super(message);
    this.code = code;
    this.statusCode = statusCode;
  }
}

/**
 * The access key id of a SigV4-signed request, or undefined when it is not signed. The emulators
 * accept only the local dummy key, like the other local servers.
 */
export function requestAccessKeyId(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}
