import { afterEach, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../../local/zoom-simulator/index.ts';
import { isExpiredPageTokenError } from '../../../shared/zoom/errors.ts';
import { collect, rejectionOf } from '../../unit/zoom/support/harness.ts';
import { type ConnectedClient, SimulatedZoom } from './simulated-zoom.ts';

const pageTokenTtlSeconds = 60;

/** 40 interactions already analysed and evaluated, about half with a manual evaluation. */
const scenario: ScenarioInput = {
  seed: 31,
  pagination: { nextPageTokenTtlSeconds: pageTokenTtlSeconds },
  processing: {
    analysis: 60,
    automatedEvaluations: { min: 1, max: 2, duration: 60 },
    manualEvaluations: { probability: 0.5, assignedAfter: 60, completedAfter: 60 },
  },
  backgroundInteractions: { count: 40, spanDays: 3 },
};

type Listing = 'listInteractions' | 'listAutomatedEvaluations' | 'listEvaluations';

/** Each listing as the client iterates it, `pageSize` items a page, yielding ids. */
function idsOf(connected: ConnectedClient, listing: Listing, pageSize: number): AsyncIterable<string> {
  const { client } = connected;
  const ids = async function* (): AsyncGenerator<string> {
    switch (listing) {
      case 'listInteractions':
        for await (const item of client.listInteractions({ page_size: pageSize })) {
          yield item.interaction_info.interaction_id;
        }
        return;
      case 'listAutomatedEvaluations':
        for await (const item of client.listAutomatedEvaluations({ page_size: pageSize })) {
          yield item.id;
        }
        return;
      case 'listEvaluations':
        for await (const item of client.listEvaluations({ page_size: pageSize })) {
          yield item.id;
        }
    }
  };
  return ids();
}

describe('Zoom client against the simulator: pagination', () => {
  let zoom: SimulatedZoom;

  afterEach(async () => {
    await zoom.stop();
  });

  /** What the simulator says each listing holds now: the ids it must yield. */
  function expectedIds(listing: Listing): string[] {
    const analysed = zoom.simulator
      .inspect()
      .interactions.filter((interaction) => interaction.stage === 'analysed');
    if (listing === 'listInteractions') {
      return analysed.map((interaction) => interaction.id).sort();
    }
    const type = listing === 'listAutomatedEvaluations' ? 'Automated' : 'Manual';
    return analysed
      .flatMap((interaction) => interaction.evaluations)
      .filter((evaluation) => evaluation.type === type && evaluation.status !== undefined)
      .map((evaluation) => evaluation.id)
      .sort();
  }

  it.each<[Listing, number]>([
    ['listInteractions', 10],
    ['listAutomatedEvaluations', 10],
    ['listEvaluations', 5],
  ])('%s yields every item once across more than 3 pages', async (listing, pageSize) => {
    // Prepare
    zoom = await SimulatedZoom.start(scenario);
    const connected = zoom.connect();
    const expected = expectedIds(listing);

    // Act
    const ids = await collect(idsOf(connected, listing, pageSize));

    // Assess
    expect(expected.length).toBeGreaterThan(3 * pageSize);
    expect([...ids].sort()).toEqual(expected);
    expect(zoom.callsTo(listing)).toEqual({ 200: Math.ceil(expected.length / pageSize) });
  });

  it.each<Listing>(['listInteractions', 'listAutomatedEvaluations'])(
    '%s restarts cleanly when a page token expires mid-listing, still yielding every item once',
    async (listing) => {
      // Prepare
      const pageSize = 10;
      zoom = await SimulatedZoom.start(scenario);
      const connected = zoom.connect();
      const ids: string[] = [];

      // Act: the consumer is slow after the first page, so the second page's token expires
      for await (const id of idsOf(connected, listing, pageSize)) {
        ids.push(id);
        if (ids.length === pageSize) {
          zoom.clock.advance(pageTokenTtlSeconds * 1_000);
        }
      }

      // Assess
      const expected = expectedIds(listing);
      expect([...ids].sort()).toEqual(expected);
      expect(zoom.callsTo(listing)).toEqual({ 200: Math.ceil(expected.length / pageSize) + 1, 400: 1 });
      expect(
        connected.logger.fieldsOf('Zoom page token expired; listing restarts from the first page'),
      ).toEqual([{ operation: listing, restart: 1 }]);
    },
  );

  it('gives up with the expired-token error after maxPageTokenRestarts restarts', async () => {
    // Prepare
    const pageSize = 10;
    zoom = await SimulatedZoom.start(scenario);
    const connected = zoom.connect({ profile: { maxPageTokenRestarts: 2 } });
    const ids: string[] = [];

    // Act: the consumer spends longer than a page token lives on every page it is given
    const error = await rejectionOf(
      (async () => {
        for await (const id of idsOf(connected, 'listInteractions', pageSize)) {
          ids.push(id);
          if (ids.length % pageSize === 0) {
            zoom.clock.advance(pageTokenTtlSeconds * 1_000);
          }
        }
      })(),
    );

    // Assess: each restart re-reads the pages already yielded (quickly: nothing new in them), gets
    // one page further, and the third expiry ends the listing
    expect(isExpiredPageTokenError(error)).toBe(true);
    expect(error).toMatchObject({ failure: { httpStatus: 400, zoomCode: 300 } });
    expect(ids).toHaveLength(3 * pageSize);
    expect(new Set(ids).size).toBe(ids.length);
    expect(zoom.callsTo('listInteractions')).toEqual({ 200: 1 + 2 + 3, 400: 3 });
  });
});
