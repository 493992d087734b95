import { PermanentError } from '../../shared/errors.ts';

/**
 * The local AWS stack could not start or stop as asked (Java missing, a fixed port taken, a server
 * that never became ready, a dependency installed without its patches). Retrying the same call
 * cannot help: the message says what to change.
 */
export class LocalAwsError extends PermanentError {}
