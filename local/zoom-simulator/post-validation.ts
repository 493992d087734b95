/**
 * Validation of POST /qm/interactions bodies as Zoom answers them: a body that is not a JSON
 * object is code 300 "Request Body should be a valid JSON object."; fields that break the
 * request schema are code 300 "Validation Failed." with one entry per field in `errors`; a start
 * time not in `yyyy-MM-dd'T'HH:mm:ss'Z'` (or not a real instant) is the documented code 1001.
 * Unknown fields are ignored, as Zoom ignores them.
 */
import { type FieldError, type JsonResponse, zoomErrors } from './zoom-errors.ts';
import { parseZoomTime } from './zoom-time.ts';

const primaryLanguages = [
  'en-GB',
  'en-US',
  'ar',
  'da-DK',
  'de-DE',
  'es-ES',
  'es-MX',
  'fr-CA',
  'fr-FR',
  'it-IT',
  'ja',
  'ko-KR',
  'nl-NL',
  'pt-BR',
  'pt-PT',
  'ru',
  'zh-CN',
  'zh-HK',
] as const;

export interface PostedInteraction {
  readonly downloadUrl: string;
  readonly channelType: 'video' | 'voice' | undefined;
  readonly agentId: string | undefined;
  readonly agentEmail: string | undefined;
  readonly consumerName: string | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
  /** Epoch ms. */
  readonly startTime: number | undefined;
  readonly direction: 'inbound' | 'outbound' | undefined;
  readonly queueId: string | undefined;
  readonly disposition: string | undefined;
  readonly primaryLanguage: string | undefined;
}

export type PostValidation =
  | { readonly valid: true; readonly interaction: PostedInteraction }
  | { readonly valid: false; readonly response: JsonResponse };

export function validateAddInteraction(bodyText: string): PostValidation {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return { valid: false, response: zoomErrors.invalidJsonBody() };
  }
  if (!isRecord(body)) return { valid: false, response: zoomErrors.invalidJsonBody() };

  const errors: FieldError[] = [];
  const text = (record: Record<string, unknown>, field: string, path = field): string | undefined => {
    const value = record[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      errors.push({ field: path, message: 'Invalid field type, a string is expected.' });
      return undefined;
    }
    return value;
  };
  const oneOf = <T extends string>(
    record: Record<string, unknown>,
    field: string,
    allowed: readonly T[],
    path = field,
  ): T | undefined => {
    const value = text(record, field, path);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      errors.push({ field: path, message: `Invalid value, must be one of: ${allowed.join(', ')}.` });
      return undefined;
    }
    return value as T;
  };

  const downloadUrl = text(body, 'download_url');
  if (downloadUrl === undefined || downloadUrl.trim() === '') {
    if (!errors.some((error) => error.field === 'download_url')) {
      errors.push({ field: 'download_url', message: 'download_url is required.' });
    }
  } else if (!isHttpUrl(downloadUrl)) {
    errors.push({ field: 'download_url', message: 'Invalid download URL.' });
  }

  const { interaction_info: rawInfo, start_time: rawStart } = body;
  let info: Record<string, unknown> = {};
  if (rawInfo !== undefined && rawInfo !== null) {
    if (isRecord(rawInfo)) info = rawInfo;
    else errors.push({ field: 'interaction_info', message: 'Invalid field type, an object is expected.' });
  }
  const infoPresent = rawInfo !== undefined && rawInfo !== null && isRecord(rawInfo);
  const channelType = oneOf(info, 'channel_type', ['video', 'voice'], 'interaction_info.channel_type');
  const { channel_type: rawChannelType } = info;
  if (infoPresent && rawChannelType === undefined) {
    errors.push({ field: 'interaction_info.channel_type', message: 'channel_type is required.' });
  }
  const agentId = text(info, 'agent_id', 'interaction_info.agent_id');
  const agentEmail = text(info, 'agent_email', 'interaction_info.agent_email');
  const consumerName = text(info, 'consumer_name', 'interaction_info.consumer_name');
  const from = text(info, 'from', 'interaction_info.from');
  const to = text(info, 'to', 'interaction_info.to');
  const direction = oneOf(body, 'direction', ['inbound', 'outbound']);
  const primaryLanguage = oneOf(body, 'primary_language', primaryLanguages);
  const queueId = text(body, 'queue_id');
  const disposition = text(body, 'disposition');

  if (errors.length > 0) return { valid: false, response: zoomErrors.validationFailed(errors) };

  let startTime: number | undefined;
  if (rawStart !== undefined && rawStart !== null) {
    startTime = typeof rawStart === 'string' ? parseZoomTime(rawStart) : undefined;
    if (startTime === undefined) return { valid: false, response: zoomErrors.invalidStartTime() };
  }

  return {
    valid: true,
    interaction: {
      downloadUrl: downloadUrl ?? '',
      channelType,
      agentId,
      agentEmail,
      consumerName,
      from,
      to,
      startTime,
      direction,
      queueId,
      disposition,
      primaryLanguage,
    },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
