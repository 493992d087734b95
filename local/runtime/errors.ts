import { PermanentError } from '../../shared/errors.ts';

/** The local runtime could not start or stop as asked; the message says what to do, `cause` why. */
export class LocalRuntimeError extends PermanentError {}
