import type { LintRule } from '../types.ts';

/** Every sequence offers a way out (CAN-SPAM, GDPR, and plain courtesy). */
export const optOut: LintRule = {
  id: 'opt-out',
  check: (sequence) =>
    sequence.optOut.sentence === '' && !sequence.optOut.listUnsubscribe
      ? [
          {
            path: ['opt_out', 'sentence'],
            message: 'this sequence offers no way out: keep an opt-out sentence, or set opt_out.list_unsubscribe: true',
          },
        ]
      : [],
};
