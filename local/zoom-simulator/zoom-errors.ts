/**
 * Every error body the simulator serves, in one place, in Zoom's shapes: `{code, message}` (plus
 * `errors[]` for validation) on the API, `{reason, error}` on the OAuth endpoint. Codes and
 * messages come from Zoom's documents and observed answers where those exist (124, 300, 1001,
 * 4711, 429); where Zoom documents only the status (the 404s), the simulator's choice is noted.
 */
import type { RateLimitLabel } from './operations.ts';

/** A response as the HTTP layer writes it: status, JSON body, extra headers. */
export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

function apiError(status: number, code: number, message: string): JsonResponse {
  return { status, body: { code, message } };
}

function oauthError(reason: string, error: string): JsonResponse {
  return { status: 400, body: { reason, error } };
}

const labelNames: Readonly<Record<RateLimitLabel, string>> = {
  LIGHT: 'Light',
  MEDIUM: 'Medium',
  HEAVY: 'Heavy',
};

/** Zoom's spelling of a label in the X-RateLimit-Category header and daily-limit message. */
export function labelCategory(label: RateLimitLabel): string {
  return labelNames[label];
}

export const zoomErrors = {
  invalidAccessToken: () => apiError(401, 124, 'Invalid access token.'),
  expiredAccessToken: () => apiError(401, 124, 'Access token is expired.'),
  missingScopes: (scopes: readonly string[]) =>
    apiError(400, 4711, `Invalid access token, does not contain scopes:[${scopes.join(', ')}].`),
  invalidJsonBody: () => apiError(400, 300, 'Request Body should be a valid JSON object.'),
  validationFailed: (errors: readonly FieldError[]): JsonResponse => ({
    status: 400,
    body: { code: 300, message: 'Validation Failed.', errors },
  }),
  /** Documented for POST /qm/interactions: "Error Code: 1001 The interaction start time is invalid." */
  invalidStartTime: () => apiError(400, 1001, 'The interaction start time is invalid.'),
  /** Documented for GET /qm/interactions: "Error Code: 1001 The from or to time is invalid." */
  invalidFromTo: () => apiError(400, 1001, 'The from or to time is invalid.'),
  invalidNextPageToken: () => apiError(400, 300, 'The next page token is invalid or expired.'),
  /** Zoom answers an unknown user with 404 and code 1001 across its APIs. */
  userNotFound: (userIdOrEmail: string) => apiError(404, 1001, `User does not exist: ${userIdOrEmail}.`),
  /** Undocumented: the simulator follows the user pattern. */
  queueNotFound: (queueId: string) => apiError(404, 1001, `Queue does not exist: ${queueId}.`),
  interactionNotFound: () => apiError(404, 1001, 'Interaction not found.'),
  evaluationNotFound: () => apiError(404, 1001, 'Evaluation not found.'),
  unknownRoute: () => apiError(404, 404, 'Not Found.'),
  methodNotAllowed: () => apiError(405, 405, 'Method Not Allowed.'),
  perSecondLimit: () =>
    apiError(429, 429, 'You have reached the maximum per-second rate limit for this API. Try again later.'),
  dailyLimit: (label: RateLimitLabel, limit: number) =>
    apiError(
      429,
      429,
      `You have exceeded the daily rate limit (${limit}) of ${labelCategory(label)} API requests permitted for this particular account. You may resume these requests at GMT 00:00:00.`,
    ),
  oauth: {
    invalidClient: () => oauthError('Invalid client_id or client_secret', 'invalid_client'),
    missingClient: () => oauthError('Client ID or client secret is missing', 'invalid_client'),
    invalidAccount: () => oauthError('Invalid account_id', 'invalid_request'),
    missingAccount: () => oauthError('Missing account_id', 'invalid_request'),
    missingGrantType: () => oauthError('Missing grant type', 'invalid_request'),
    unsupportedGrantType: () => oauthError('unsupported grant type', 'unsupported_grant_type'),
  },
};
