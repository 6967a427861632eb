import { Command, Option } from 'commander';
import type { WebhookDeliveryDoc } from '../db/index.ts';
import { ErrorCodes, ParleyError } from '../errors.ts';
import { getRep } from '../reps/index.ts';
import { deliveryWithAttempts, recentDeliveries, retryDelivery } from '../webhooks/index.ts';
import { withDatabase } from './database.ts';

const STATES = ['pending', 'delivered', 'given_up'] as const;

/** Flattens control characters: a receiver's answer is a stranger's text and must not move the terminal's cursor. */
const oneLine = (text: string) => text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]+/g, ' ');

const parseLimit = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new ParleyError(ErrorCodes.CONFIG_INVALID, `--limit takes a whole number from 1 to 500, not "${value}".`);
  return n;
};

const answerOf = (d: WebhookDeliveryDoc) =>
  d.last ? (d.last.ok ? `HTTP ${d.last.status ?? ''}` : (d.last.error ?? `HTTP ${d.last.status ?? ''}`)) : '';

const RETRY_MESSAGES = {
  not_admin: 'only an admin can retry a webhook; pass --as with an admin rep',
  not_found: 'no such delivery; `parley webhooks list` prints the ids',
  not_given_up: 'that delivery is not given up (delivered, or still being retried)',
} as const;

export function webhooksCommand(): Command {
  const webhooks = new Command('webhooks').description('outbound webhook deliveries: list, show, and retry given-up ones (admins)');
  webhooks
    .command('list')
    .description('the newest deliveries of the last 30 days: id, created, endpoint, event, state, attempts, last answer')
    .addOption(new Option('--state <state>', 'only this state').choices(STATES))
    .option('--limit <n>', 'deliveries (at most 500)', parseLimit, 50)
    .option('--json', 'print JSON')
    .action(async (options: { state?: (typeof STATES)[number]; limit: number; json?: boolean }) => {
      const rows = await withDatabase((db) => recentDeliveries(db, { state: options.state, limit: options.limit }));
      if (options.json) {
        // The body stays out: it is what receivers got, and `show` prints it.
        console.log(
          JSON.stringify(
            rows.map(({ body: _body, ...rest }) => rest),
            null,
            2,
          ),
        );
        return;
      }
      if (rows.length === 0) console.log('No deliveries in the last 30 days.');
      for (const d of rows)
        console.log(
          oneLine(`${d._id}\t${d.createdAt.toISOString()}\t${d.endpointId}\t${d.eventType}\t${d.state}\t${d.attempts}\t${answerOf(d)}`),
        );
    });
  webhooks
    .command('show')
    .description('one delivery: its body and every attempt')
    .argument('<id>', 'the delivery id, as `list` prints it')
    .action(async (id: string) => {
      const found = await withDatabase((db) => deliveryWithAttempts(db, id));
      if (!found) throw new ParleyError(ErrorCodes.WEBHOOK_RETRY_REFUSED, `No delivery ${id}; \`parley webhooks list\` prints the ids.`);
      const { delivery: d, attempts } = found;
      console.log(`${d._id}\t${d.endpointId}\t${d.eventType}\t${d.state}\tevent ${d.eventId}`);
      console.log(d.body);
      for (const a of attempts)
        console.log(
          oneLine(
            `#${a.n}\t${a.claimedAt.toISOString()}\t${a.worker}\t${a.result ? `${a.result.ok ? 'ok' : 'failed'}\t${a.result.status ?? ''}\t${a.result.error ?? ''}\t${a.result.durationMs} ms` : 'in flight'}`,
          ),
        );
    });
  webhooks
    .command('retry')
    .description('send a given-up delivery once more, at the next run of the delivery job (admins)')
    .argument('<id>', 'the delivery id, as `list` prints it')
    .requiredOption('--as <email>', 'the admin asking')
    .action(async (id: string, options: { as: string }) => {
      const result = await withDatabase(async (db) => {
        const rep = await getRep(db, options.as);
        if (!rep) throw new ParleyError(ErrorCodes.REP_NOT_FOUND, `No rep ${options.as}; see \`parley reps list\`.`);
        return retryDelivery(db, id, rep);
      });
      if (result.kind === 'refused')
        throw new ParleyError(ErrorCodes.WEBHOOK_RETRY_REFUSED, `${RETRY_MESSAGES[result.code]} [${result.code}]`);
      console.log(`${id}: queued; the worker's next delivery run sends it.`);
    });
  return webhooks;
}
