import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startZoomSimulator, type ZoomSimulator } from '../../../local/zoom-simulator/index.ts';
import { accessToken, callApi, json, ManualClock, minutes, type ZoomBody } from './helpers.ts';

/** 23 pre-existing interactions, all analysed and evaluated, many with manual evaluations. */
const scenario = {
  seed: 99,
  oauth: { tokenLifetimeSeconds: 86_400 },
  pagination: { nextPageTokenTtlSeconds: 900 },
  processing: {
    analysis: 60,
    automatedEvaluations: { min: 1, max: 2, duration: 60 },
    manualEvaluations: { probability: 0.6, assignedAfter: 60, completedAfter: 60 },
  },
  backgroundInteractions: { count: 23, spanDays: 3 },
};

describe('zoom simulator: lists, filters and next_page_token', () => {
  let simulator: ZoomSimulator;
  let clock: ManualClock;
  let token: string;

  beforeEach(async () => {
    clock = new ManualClock();
    simulator = await startZoomSimulator({ clock, scenario });
    token = await accessToken(simulator);
  });

  afterEach(async () => {
    await simulator.stop();
  });

  const get = (path: string) => json(callApi(simulator, token, path));

  /** Follows next_page_token to the end; returns every page and the ids of every item. */
  async function pageThrough(path: string): Promise<{ pages: ZoomBody[]; ids: string[] }> {
    const pages: ZoomBody[] = [];
    let nextPageToken = '';
    do {
      const separator = path.includes('?') ? '&' : '?';
      const { body } = await get(
        nextPageToken === '' ? path : `${path}${separator}next_page_token=${nextPageToken}`,
      );
      pages.push(body);
      nextPageToken = body.next_page_token ?? '';
    } while (nextPageToken !== '' && pages.length < 50);
    const ids = pages.flatMap((page) => [
      ...(page.interactions ?? []).map((item) => item.interaction_info.interaction_id),
      ...(page.data ?? []).map((item) => item.id),
    ]);
    return { pages, ids };
  }

  const interactionIds = (body: ZoomBody) =>
    (body.interactions ?? []).map((item) => item.interaction_info.interaction_id);

  it('pages through interactions with next_page_token, ending with an empty token', async () => {
    // Prepare
    const visible = simulator
      .inspect()
      .interactions.filter((interaction) => interaction.stage === 'analysed');

    // Act
    const { pages, ids } = await pageThrough('/qm/interactions?page_size=10');

    // Assess
    expect(pages.map((page) => page.interactions?.length)).toEqual([10, 10, visible.length - 20]);
    expect(pages.every((page) => page.total_records === visible.length && page.page_size === 10)).toBe(true);
    expect(pages.at(-1)?.next_page_token).toBe('');
    expect(new Set(ids).size).toBe(visible.length);
    expect(pages[0]?.next_page_token).toMatch(/^[A-Za-z0-9]{35}$/);
  });

  it('orders interactions newest first', async () => {
    // Act
    const { body } = await get('/qm/interactions?page_size=50');

    // Assess
    const startTimes = (body.interactions ?? []).map((item) => item.start_time);
    expect(startTimes.length).toBeGreaterThan(1);
    expect(startTimes).toEqual([...startTimes].sort().reverse());
  });

  it.each(['/qm/automated_evaluations?page_size=4', '/qm/evaluation?page_size=4'])(
    'pages through %s',
    async (path) => {
      // Act
      const { pages, ids } = await pageThrough(path);

      // Assess
      const total = pages[0]?.total ?? 0;
      expect(total).toBeGreaterThan(4);
      expect(ids).toHaveLength(total);
      expect(new Set(ids).size).toBe(total);
    },
  );

  it('answers 400 code 300 for an expired next_page_token (15 minutes by default) and for an unknown one', async () => {
    // Prepare
    const first = await get('/qm/interactions?page_size=5');
    const nextPageToken = first.body.next_page_token ?? '';
    const stillValid = await get(`/qm/interactions?next_page_token=${nextPageToken}`);
    clock.advance(minutes(15));

    // Act
    const expired = await get(`/qm/interactions?next_page_token=${nextPageToken}`);
    const unknown = await get('/qm/interactions?next_page_token=R4aF9Oj0fVM2hhezJTEmSKaBSkfesDwGy42');

    // Assess
    expect(stillValid.status).toBe(200);
    const invalid = {
      status: 400,
      body: { code: 300, message: 'The next page token is invalid or expired.' },
    };
    expect(expired).toEqual(invalid);
    expect(unknown).toEqual(invalid);
  });

  it('does not accept a token of one list on another', async () => {
    // Prepare
    const first = await get('/qm/interactions?page_size=5');

    // Act
    const crossed = await get(`/qm/evaluation?next_page_token=${first.body.next_page_token ?? ''}`);

    // Assess
    expect(crossed.status).toBe(400);
  });

  it.each(['100', '0', 'ten'])(
    'rejects page_size=%s on the interactions list (documented below 100)',
    async (pageSize) => {
      // Act
      const response = await get(`/qm/interactions?page_size=${pageSize}`);

      // Assess
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 300, errors: [{ field: 'page_size' }] });
    },
  );

  it('caps page_size on the evaluation lists', async () => {
    // Act
    const response = await get('/qm/automated_evaluations?page_size=500');

    // Assess
    expect(response.body.page_size).toBe(100);
  });

  it.each(['2026-03-01', '2026-03-01T00:00:00+01:00', 'yesterday'])(
    'answers 400 code 1001 for from=%s',
    async (from) => {
      // Act
      const response = await get(`/qm/interactions?from=${encodeURIComponent(from)}`);

      // Assess
      expect(response).toEqual({
        status: 400,
        body: { code: 1001, message: 'The from or to time is invalid.' },
      });
    },
  );

  it('answers 400 code 1001 when from is after to', async () => {
    // Act
    const response = await get('/qm/interactions?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z');

    // Assess
    expect(response.body).toMatchObject({ code: 1001 });
  });

  it('filters interactions by time window, agent, channel, direction, language and scored', async () => {
    // Prepare
    const all = (await get('/qm/interactions?page_size=50')).body.interactions ?? [];
    const sample = all[3];
    if (sample === undefined) throw new Error('expected background interactions');
    const { interaction_id: id, channel_type: channel } = sample.interaction_info;
    const agentId = (await get(`/qm/interactions/${id}`)).body.transcript_body?.host_id;

    // Act
    const byWindow = await get(`/qm/interactions?from=${sample.start_time}&to=${sample.start_time}`);
    const byAgent = await get(`/qm/interactions?user_ids=${agentId},nobody&page_size=50`);
    const byChannel = await get(`/qm/interactions?channels=${channel}&page_size=50`);
    const byDirection = await get(`/qm/interactions?direction=${sample.direction}&page_size=50`);
    const byLanguage = await get('/qm/interactions?language=ja&page_size=50');
    const scored = await get('/qm/interactions?scored=true&page_size=50');
    const unscored = await get('/qm/interactions?scored=false&page_size=50');

    // Assess
    expect(interactionIds(byWindow.body)).toContain(id);
    expect(interactionIds(byAgent.body)).toContain(id);
    expect(byChannel.body.interactions?.every((item) => item.interaction_info.channel_type === channel)).toBe(
      true,
    );
    expect(byDirection.body.interactions?.every((item) => item.direction === sample.direction)).toBe(true);
    expect(byLanguage.body.interactions?.every((item) => item.primary_language.startsWith('ja'))).toBe(true);
    expect((scored.body.total_records ?? 0) + (unscored.body.total_records ?? 0)).toBe(all.length);
    expect(scored.body.total_records).toBeGreaterThan(0);
  });

  it('filters evaluations by status, interaction and agent, accepting both documented spellings', async () => {
    // Prepare
    const all = (await get('/qm/automated_evaluations?page_size=100')).body.data ?? [];
    const interactionId = (await get('/qm/interactions?page_size=1')).body.interactions?.[0]?.interaction_info
      .interaction_id;

    // Act
    const completed = await get('/qm/automated_evaluations?status=COMPLETED&page_size=100');
    const forInteraction = await get(
      `/qm/automated_evaluations?interaction_id=${interactionId}&page_size=100`,
    );
    const forNobody = await get('/qm/automated_evaluations?agent_id=nobody');
    const canceled = await get('/qm/evaluation?status=Canceled&page_size=100');
    const cancled = await get('/qm/evaluation?status=Cancled&page_size=100');
    const invalid = await get('/qm/automated_evaluations?status=DONE');

    // Assess
    expect(completed.body.data?.every((item) => item.status === 'COMPLETED')).toBe(true);
    expect(forInteraction.body.total).toBeGreaterThan(0);
    expect(forInteraction.body.total).toBeLessThan(all.length);
    expect(forNobody.body.total).toBe(0);
    expect(canceled.body.total).toBe(cancled.body.total);
    expect(invalid.body).toMatchObject({ code: 300, errors: [{ field: 'status' }] });
  });
});
