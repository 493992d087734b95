/**
 * zod as the Lambda functions use it: the tree-shakable `zod/mini` build, with zod's English
 * messages so a bad value is explained as plainly as the full build would. The full `zod` keeps
 * every schema type and method on each instance (about 100 KiB minified and a tenth of a cold
 * import); `zod/mini` exposes the same validators as functions, so a bundle carries only those it
 * calls. Code on a function's path imports zod from here (`import * as z from '../zod.ts'`).
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
