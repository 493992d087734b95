/** The receiver's metric names (namespace QmIngest), used by the alarms and the dashboard. */
export const WebhookMetric = {
  /** Requests refused with 401, by `reason` (missing, stale, mismatch, unknown-account). */
  rejected: 'WebhookSignatureRejected',
  /** Verified events handed to the poll queue, by `event`. */
  accepted: 'WebhookEventsAccepted',
  /** Verified events about an interaction qm-ingest did not submit (or without one): dropped. */
  unknownInteraction: 'WebhookUnknownInteraction',
  /** Verified events of a kind qm-ingest does not subscribe to: dropped. */
  ignored: 'WebhookEventsIgnored',
  /** URL validations answered. */
  urlValidations: 'WebhookUrlValidations',
} as const;
