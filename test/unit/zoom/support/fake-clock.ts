import { ManualClock } from '../../../helpers/shared-manual-clock.ts';

/** A clock that only moves when a test moves it, starting at noon on the day these tests use. */
export class FakeClock extends ManualClock {
  constructor(start: number | string = '2026-03-10T12:00:00Z') {
    super(start);
  }
}
