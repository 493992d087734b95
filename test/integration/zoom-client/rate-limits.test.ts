import { afterEach, describe, expect, it } from 'vitest';
import { ZoomRateLimitedError } from '../../../shared/zoom/errors.ts';
import { rejectionOf } from '../../unit/zoom/support/harness.ts';
import { ManualClock } from '../zoom-simulator/helpers.ts';
import { SimulatedZoom } from './simulated-zoom.ts';

/** An instant inside a second and far from midnight, so every wait below is computed, not round. */
const afternoon = Date.parse('2026-03-02T17:42:10.250Z');
const nextUtcMidnight = Date.parse('2026-03-03T00:00:00Z');

describe('Zoom client against the simulator: rate limits', () => {
  let zoom: SimulatedZoom;

  afterEach(async () => {
    await zoom.stop();
  });

  describe("Zoom's 429", () => {
    it('is a ZoomRateLimitedError of kind qps, its wait read from Retry-After seconds, and is not retried', async () => {
      // Prepare: Zoom allows 2 MEDIUM calls a second, shared by every MEDIUM operation; the
      // client's own limiter allows far more
      zoom = await SimulatedZoom.start(
        { rateLimits: { limits: { MEDIUM: { perSecond: 2 } } } },
        new ManualClock(afternoon),
      );
      const { client } = zoom.connect();
      await client.listInteractionsPage();
      await client.getInteraction('unknown-interaction').catch(() => undefined);

      // Act
      const error = await rejectionOf(client.listInteractionsPage());

      // Assess
      expect(error).toBeInstanceOf(ZoomRateLimitedError);
      expect(error).toMatchObject({
        retryable: true,
        failure: { operation: 'listInteractions', httpStatus: 429 },
        rateLimit: {
          source: 'zoom',
          kind: 'qps',
          label: 'MEDIUM',
          retryAfterMs: 1_000,
          limit: 2,
          remaining: 0,
        },
      });
      expect(zoom.callsTo('listInteractions')).toEqual({ 200: 1, 429: 1 });
      expect(zoom.callsTo('getInteraction')).toEqual({ 404: 1 });
      expect(zoom.simulator.inspect().rateLimited).toMatchObject({ total: 1, qps: { MEDIUM: 1 } });
    });

    it('of kind qps lets the call through once the wait it gave has passed', async () => {
      // Prepare
      zoom = await SimulatedZoom.start(
        { rateLimits: { limits: { MEDIUM: { perSecond: 1 } } } },
        new ManualClock(afternoon),
      );
      const { client } = zoom.connect();
      await client.listInteractionsPage();
      const refused = await rejectionOf(client.listInteractionsPage());
      zoom.clock.advance(refused instanceof ZoomRateLimitedError ? refused.rateLimit.retryAfterMs : 0);

      // Act
      const page = await client.listInteractionsPage();

      // Assess
      expect(refused).toBeInstanceOf(ZoomRateLimitedError);
      expect(page.interactions).toEqual([]);
      expect(zoom.callsTo('listInteractions')).toEqual({ 200: 2, 429: 1 });
    });

    it('is a ZoomRateLimitedError of kind daily, waiting until the next UTC midnight given as an ISO Retry-After date', async () => {
      // Prepare: Zoom allows 3 MEDIUM calls a day and any number a second
      zoom = await SimulatedZoom.start(
        { rateLimits: { limits: { MEDIUM: { perSecond: null, perDay: 3 } } } },
        new ManualClock(afternoon),
      );
      const { client } = zoom.connect();
      for (let call = 0; call < 3; call += 1) {
        await client.listInteractionsPage();
      }

      // Act
      const error = await rejectionOf(client.listInteractionsPage());

      // Assess
      expect(error).toBeInstanceOf(ZoomRateLimitedError);
      expect(error).toMatchObject({
        failure: { operation: 'listInteractions', httpStatus: 429 },
        rateLimit: {
          source: 'zoom',
          kind: 'daily',
          label: 'MEDIUM',
          retryAfterMs: nextUtcMidnight - afternoon,
          limit: 3,
          remaining: 0,
        },
      });
      expect(zoom.callsTo('listInteractions')).toEqual({ 200: 3, 429: 1 });
      expect(zoom.simulator.inspect().rateLimited).toMatchObject({ total: 1, daily: { MEDIUM: 1 } });
    });

    it('of kind daily lets calls through again after midnight UTC', async () => {
      // Prepare
      zoom = await SimulatedZoom.start(
        { rateLimits: { limits: { LIGHT: { perSecond: null, perDay: 1 } } } },
        new ManualClock(afternoon),
      );
      const { client } = zoom.connect();
      await client.listEvaluationsPage();
      const refused = await rejectionOf(client.listEvaluationsPage());
      zoom.clock.advance(refused instanceof ZoomRateLimitedError ? refused.rateLimit.retryAfterMs : 0);

      // Act
      const page = await client.listEvaluationsPage();

      // Assess
      expect(zoom.clock.now()).toBe(nextUtcMidnight);
      expect(page.data).toEqual([]);
      expect(zoom.callsTo('listEvaluations')).toEqual({ 200: 2, 429: 1 });
    });
  });

  describe("the client's own limiter", () => {
    it('refuses the call before Zoom would, without sending it (per second)', async () => {
      // Prepare: Zoom's Pro plan allows 20 MEDIUM calls a second; the client holds itself to half of 2
      zoom = await SimulatedZoom.start({ rateLimits: { plan: 'pro' } }, new ManualClock(afternoon));
      const { client } = zoom.connect({
        profile: {
          planLimits: {
            LIGHT: { perSecond: 30 },
            MEDIUM: { perSecond: 2 },
            HEAVY: { perSecond: 10, perDay: 30_000 },
          },
          limitFraction: 0.5,
        },
      });
      await client.listInteractionsPage();

      // Act
      const error = await rejectionOf(client.listInteractionsPage());

      // Assess
      expect(error).toBeInstanceOf(ZoomRateLimitedError);
      expect(error).toMatchObject({
        failure: { operation: 'listInteractions' },
        rateLimit: { source: 'local-limiter', kind: 'qps', label: 'MEDIUM', retryAfterMs: 1_000 },
      });
      expect(error).not.toHaveProperty('failure.httpStatus');
      const snapshot = zoom.simulator.inspect();
      expect(snapshot.calls.listInteractions.byStatus).toEqual({ 200: 1 });
      expect(snapshot.callsByLabel.MEDIUM).toBe(1);
      expect(snapshot.rateLimited.total).toBe(0);
    });

    it('refuses the call before Zoom would, without sending it (per day)', async () => {
      // Prepare: Zoom has no daily MEDIUM limit; the client holds itself to half of 4 a day
      zoom = await SimulatedZoom.start({ rateLimits: { plan: 'pro' } }, new ManualClock(afternoon));
      const { client } = zoom.connect({
        profile: {
          planLimits: {
            LIGHT: { perSecond: 30 },
            MEDIUM: { perSecond: 1_000, perDay: 4 },
            HEAVY: { perSecond: 10, perDay: 30_000 },
          },
          limitFraction: 0.5,
        },
      });
      await client.listInteractionsPage();
      await client.listInteractionsPage();

      // Act
      const error = await rejectionOf(client.listInteractionsPage());

      // Assess
      expect(error).toMatchObject({
        rateLimit: {
          source: 'local-limiter',
          kind: 'daily',
          label: 'MEDIUM',
          retryAfterMs: nextUtcMidnight - afternoon,
        },
      });
      expect(zoom.callsTo('listInteractions')).toEqual({ 200: 2 });
      expect(zoom.simulator.inspect().rateLimited.total).toBe(0);
    });
  });
});
