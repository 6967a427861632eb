import { loadConfig } from '../config.ts';
import { poolProblems, type LintExtension, type LintFinding } from '../sequences/index.ts';

/** The finding's rule id: a `senders:` pool naming a mailbox MAILBOXES_FILE does not list. */
export const SENDER_POOL_RULE = 'sender-pool';

/**
 * `parley lint` also checks each `senders:` pool against MAILBOXES_FILE, as the worker does when it
 * loads the file (a pool with an unknown mailbox is not used): an error at the address.
 */
export const senderPoolLint: LintExtension = (sequences) => {
  const { mailboxes } = loadConfig(process.env);
  const known = mailboxes.length > 0 ? new Set(mailboxes.map((m) => m.address)) : undefined;
  return Promise.resolve(
    sequences.flatMap((sequence) =>
      poolProblems(sequence, known).map((p): LintFinding => ({ ruleId: SENDER_POOL_RULE, level: 'error', ...p })),
    ),
  );
};
