import { describe, expect, it } from 'vitest';
import { parseZoomProfile } from '../../../shared/config/zoom-profile.ts';
import { ConfigError } from '../../../shared/errors.ts';
import { ProfileWebhookAccounts } from '../../../shared/webhooks/accounts.ts';
import { staticCredentials, type ZoomCredentials } from '../../../shared/zoom/credentials.ts';

const profile = (name: string, enabled: boolean) =>
  parseZoomProfile({ name, secretName: `qm/${name}`, webhooks: { enabled } });

const SECRET = 'client-secret-NEVER-LOG';
const bare: ZoomCredentials = { accountId: 'acct-bare', clientId: 'client-1', clientSecret: SECRET };
const credentials: Record<string, ZoomCredentials> = {
  east: { ...bare, accountId: 'acct-east', webhookSecretToken: 'token-east' },
  west: { ...bare, accountId: 'acct-west', webhookSecretToken: 'token-west' },
};
const credentialsOf = (name: string) => staticCredentials(credentials[name] ?? bare);

describe('the accounts whose webhooks are accepted', () => {
  it('are the profiles with webhooks on, each with its account id and secret token', async () => {
    const accounts = new ProfileWebhookAccounts(
      [profile('east', true), profile('west', false)],
      credentialsOf,
      (name) => {
        throw new Error(`profile ${name} reported unavailable`);
      },
    );

    expect(await accounts.list()).toEqual([
      { profile: 'east', accountId: 'acct-east', secretToken: 'token-east' },
    ]);
  });

  it('leave out, and report, a profile whose secret has no webhook_secret_token, naming the secret, never a value; the others stay', async () => {
    const reported: { profile: string; error: unknown }[] = [];
    const accounts = new ProfileWebhookAccounts(
      [profile('bare', true), profile('east', true)],
      credentialsOf,
      (name, error) => reported.push({ profile: name, error }),
    );

    const listed = await accounts.list();

    expect(listed.map((account) => account.profile)).toEqual(['east']);
    expect(reported.map((entry) => entry.profile)).toEqual(['bare']);
    const failure = reported[0]?.error;
    expect(failure).toBeInstanceOf(ConfigError);
    expect(String(failure)).toContain('qm/bare');
    expect(String(failure)).not.toContain(SECRET);
  });
});
