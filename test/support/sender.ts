import { silentLogger } from '../../src/logger.ts';
import { StepSender, type StepSenderOptions } from '../../src/sending/index.ts';
import type { Sequence } from '../../src/sequences/index.ts';

/** A StepSender for tests: one sequence (read at each call, so a test may swap it), a silent log. */
export function testSender(
  base: Pick<StepSenderOptions, 'db' | 'transport'> & { sequence: () => Sequence; now?: () => Date },
  overrides: Partial<StepSenderOptions> = {},
): StepSender {
  return new StepSender({
    db: base.db,
    transport: base.transport,
    getSequence: (id) => (id === base.sequence().id ? base.sequence() : undefined),
    logger: silentLogger(),
    messageIdDomain: 'parley.test',
    leaseMs: 60_000,
    batchSize: 500,
    ...(base.now && { now: base.now }),
    ...overrides,
  });
}
