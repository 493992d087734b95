/**
 * The account's own traffic: interactions that exist before any test posts (Zoom Contact Center
 * calls, chats, video meetings), already downloaded and analysed, of every channel type. They make
 * lists realistic (pagination, filters, records the pipeline did not create) and give the contract
 * tests every channel type.
 */
import type { Clock } from '../../shared/clock.ts';
import { queueNames } from './content/corpus.ts';
import type { ChannelType, InteractionStore } from './interactions.ts';
import type { Participants } from './participants.ts';
import { createRandom } from './random.ts';
import type { Scenario } from './scenario.ts';
import { wholeSecond } from './zoom-time.ts';

const channelTypes: readonly ChannelType[] = ['VIDEO', 'AUDIO', 'SMS', 'WEB_CHAT', 'MANUAL'];
const dayMs = 86_400_000;

export function seedBackgroundInteractions(
  scenario: Scenario,
  clock: Clock,
  store: InteractionStore,
  participants: Participants,
): void {
  const { count, spanDays } = scenario.backgroundInteractions;
  const random = createRandom(scenario.seed, 'background');
  const phoneNumber = () => `+1${random.int(2_000_000_000, 9_999_999_999)}`;
  const now = clock.now();
  for (let index = 0; index < count; index += 1) {
    const submittedAt = Math.floor(now - random.next() * spanDays * dayMs);
    const record = store.create(
      {
        downloadUrl: undefined,
        channelType: random.pick(channelTypes),
        agent: random.pick(participants.roster),
        queue: random.chance(0.8) ? participants.queueNamed(random.pick(queueNames)) : undefined,
        consumerName: phoneNumber(),
        from: phoneNumber(),
        to: phoneNumber(),
        direction: random.chance(0.7) ? 'inbound' : 'outbound',
        disposition: random.chance(0.6) ? 'Resolved' : undefined,
        primaryLanguage: random.pick(['en-US', 'en-GB', 'de-DE', 'ja']),
        startTime: wholeSecond(submittedAt) - random.int(60, 3600) * 1000,
      },
      'background',
      submittedAt,
    );
    store.completeDownload(record, undefined, submittedAt);
  }
}
