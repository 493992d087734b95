/** Reading request bodies and writing responses, the way Zoom's edge writes them. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonResponse } from '../zoom-errors.ts';

/** Bodies larger than this are refused: no QM request comes near it. */
const maxBodyBytes = 1024 * 1024;

export type BodyResult = { readonly ok: true; readonly text: string } | { readonly ok: false };

export async function readBody(request: IncomingMessage): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > maxBodyBytes) return { ok: false };
    chunks.push(buffer);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

export const jsonContentType = 'application/json;charset=UTF-8';

export function writeText(
  response: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const body = Buffer.from(text, 'utf8');
  response.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': String(body.byteLength),
  });
  response.end(body);
}

export function writeJson(response: ServerResponse, answer: JsonResponse): void {
  writeText(response, answer.status, jsonContentType, JSON.stringify(answer.body), answer.headers);
}
