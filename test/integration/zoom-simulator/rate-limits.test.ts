import { afterEach, describe, expect, it } from 'vitest';
import { startZoomSimulator, type ZoomSimulator } from '../../../local/zoom-simulator/index.ts';
import {
  accessToken,
  callApi,
  hours,
  interactionBody,
  ManualClock,
  startRecordingServer,
} from './helpers.ts';

describe('zoom simulator: rate limits', () => {
  let simulator: ZoomSimulator | undefined;

  afterEach(async () => {
    await simulator?.stop();
    simulator = undefined;
  });

  it("answers the per-second limit with 429, Zoom's QPS body and headers, then lets the next second through", async () => {
    // Prepare
    const clock = new ManualClock(Date.parse('2026-03-02T09:00:00.250Z'));
    simulator = await startZoomSimulator({
      clock,
      scenario: { rateLimits: { limits: { MEDIUM: { perSecond: 2 } } } },
    });
    const token = await accessToken(simulator);
    const granted = [
      await callApi(simulator, token, '/qm/interactions'),
      await callApi(simulator, token, '/qm/interactions'),
    ];

    // Act
    const refused = await callApi(simulator, token, '/qm/interactions');
    clock.advance(1000);
    const nextSecond = await callApi(simulator, token, '/qm/interactions');

    // Assess
    expect(granted.map((response) => response.status)).toEqual([200, 200]);
    expect(granted[1]?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      code: 429,
      message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
    });
    expect(
      Object.fromEntries([...refused.headers].filter(([name]) => /^(x-ratelimit|retry-after)/.test(name))),
    ).toEqual({
      'x-ratelimit-category': 'Medium',
      'x-ratelimit-type': 'QPS',
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '0',
      'retry-after': '1',
    });
    expect(nextSecond.status).toBe(200);
    expect(simulator.inspect().rateLimited).toMatchObject({
      total: 1,
      qps: { MEDIUM: 1 },
      byOperation: { listInteractions: 1 },
    });
  });

  it('answers the daily limit with 429, the daily message and a Retry-After at the next UTC midnight', async () => {
    // Prepare
    const clock = new ManualClock(Date.parse('2026-11-25T22:30:00Z'));
    const recordings = await startRecordingServer();
    simulator = await startZoomSimulator({
      clock,
      scenario: { oauth: { tokenLifetimeSeconds: 86_400 }, rateLimits: { limits: { HEAVY: { perDay: 2 } } } },
    });
    const token = await accessToken(simulator);
    const post = () =>
      callApi(simulator as ZoomSimulator, token, '/qm/interactions', {
        method: 'POST',
        body: interactionBody(recordings.url('/ok/a.mp3')),
      });
    await post();
    clock.advance(2000);
    await post();
    clock.advance(2000);

    // Act
    const refused = await post();
    clock.advance(hours(2));
    const nextDay = await post();

    // Assess
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      code: 429,
      message:
        'You have exceeded the daily rate limit (2) of Heavy API requests permitted for this particular account. You may resume these requests at GMT 00:00:00.',
    });
    expect(refused.headers.get('x-ratelimit-category')).toBe('Heavy');
    expect(refused.headers.get('x-ratelimit-type')).toBe('Daily-limit');
    expect(refused.headers.get('x-ratelimit-limit')).toBe('2');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('retry-after')).toBe('2026-11-26T00:00:00Z');
    expect(nextDay.status).toBe(201);
    expect(simulator.inspect().rateLimited.daily.HEAVY).toBe(1);
    await simulator.control.downloadsSettled();
    await recordings.stop();
  });

  it('labels operations as documented, the undocumented POST as HEAVY, and counts calls per label', async () => {
    // Prepare
    const clock = new ManualClock();
    const recordings = await startRecordingServer();
    simulator = await startZoomSimulator({ clock });
    const token = await accessToken(simulator);

    // Act
    const categories = [];
    for (const path of [
      '/qm/automated_evaluations',
      '/qm/evaluation',
      '/qm/interactions',
      '/qm/interactions/x',
      '/qm/evaluation/x',
    ]) {
      categories.push((await callApi(simulator, token, path)).headers.get('x-ratelimit-category'));
    }
    const posted = await callApi(simulator, token, '/qm/interactions', {
      method: 'POST',
      body: interactionBody(recordings.url('/ok/b.mp3')),
    });

    // Assess
    expect(categories).toEqual(['Light', 'Light', 'Medium', 'Medium', 'Medium']);
    expect(posted.headers.get('x-ratelimit-category')).toBe('Heavy');
    expect(simulator.inspect().callsByLabel).toEqual({ LIGHT: 2, MEDIUM: 3, HEAVY: 1 });
    await simulator.control.downloadsSettled();
    await recordings.stop();
  });

  it('lets a scenario relabel the POST and size limits by plan', async () => {
    // Prepare
    const clock = new ManualClock();
    simulator = await startZoomSimulator({
      clock,
      scenario: { rateLimits: { plan: 'free', labels: { addInteraction: 'MEDIUM' } } },
    });
    const token = await accessToken(simulator);

    // Act
    const response = await callApi(simulator, token, '/qm/interactions', {
      method: 'POST',
      body: { download_url: 'x' },
    });

    // Assess
    expect(response.headers.get('x-ratelimit-category')).toBe('Medium');
    expect(response.headers.get('x-ratelimit-limit')).toBe('2000');
  });

  it('does not charge refused requests, and resets on request', async () => {
    // Prepare
    const clock = new ManualClock();
    simulator = await startZoomSimulator({
      clock,
      scenario: { rateLimits: { limits: { LIGHT: { perDay: 1 } } } },
    });
    const token = await accessToken(simulator);
    await callApi(simulator, token, '/qm/evaluation');
    const refused = await callApi(simulator, token, '/qm/evaluation');

    // Act
    simulator.control.resetRateLimits();
    const afterReset = await callApi(simulator, token, '/qm/evaluation');

    // Assess
    expect(refused.status).toBe(429);
    expect(afterReset.status).toBe(200);
    expect(afterReset.headers.get('x-ratelimit-remaining')).toBe('0');
  });
});
