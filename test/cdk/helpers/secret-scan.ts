import { isSensitiveName } from '../../../shared/redact.ts';

/**
 * Finds what looks like a secret value in a synthesized template: AWS access key ids, presigned
 * URL signatures, private keys, a literal SecretString, and any non-empty literal under a secret
 * field name (client_secret, secret_access_key, password, token...), also inside JSON held in a
 * string (QM_SETTINGS, a secret's template). Returns one description per finding, naming where.
 */
export function secretFindings(template: unknown): string[] {
  const findings: string[] = [];
  const text = JSON.stringify(template);
  for (const [label, pattern] of [
    ['an AWS access key id', /\b(AKIA|ASIA)[A-Z0-9]{16}\b/],
    ['a presigned URL signature', /X-Amz-(Signature|Credential|Security-Token)/i],
    ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ] as const) {
    if (pattern.test(text)) {
      findings.push(label);
    }
  }
  visit(template, '$', findings);
  return findings;
}

function visit(node: unknown, path: string, findings: string[]): void {
  if (typeof node === 'string') {
    const nested = parseJsonObject(node);
    if (nested !== undefined) {
      visit(nested, `${path}(json)`, findings);
    }
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((item, index) => {
      visit(item, `${path}[${index}]`, findings);
    });
    return;
  }
  if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      const where = `${path}.${key}`;
      if (key === 'SecretString') {
        findings.push(`a literal SecretString at ${where}`);
      } else if (isSensitiveName(key) && typeof value === 'string' && value !== '') {
        findings.push(`a value under the secret field ${where}`);
      }
      visit(value, where, findings);
    }
  }
}

function parseJsonObject(text: string): unknown {
  if (!text.trimStart().startsWith('{')) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
