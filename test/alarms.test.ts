import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { freePort } from '../src/embedded/index.ts';
import { silentLogger } from '../src/logger.ts';
import type { Sequence } from '../src/sequences/index.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { leadSide } from './support/conversation.ts';
import { startTestServices, type TestServices } from './support/services.ts';
import { sample } from './support/prometheus.ts';

const TOKEN = 'alarms-test-token-0123456789';

// Issue 17's "alarms as metrics", on a real worker (FerretDB, Dovecot, the SMTP sink): three
// leads get step 1; one opts out, one asks a question (a task waits), one address bounces. An
// alert rule then sees the opt-out and bounce ratios and the reply queue's age, per sequence.
describe('alarm gauges at GET /metrics', () => {
  let services: TestServices;
  let worker: Worker;
  let sequence: Sequence;

  const side = leadSide({ services: () => services, worker: () => worker, sequence: () => sequence });
  const firstEmailTo = async (email: string) => (await side.firstEmailTo(email)).messageId;
  const { handled } = side;
  const reply = (inReplyTo: string, from: string, messageId: string, body: string) =>
    side.replyTo({ messageId: inReplyTo }, from, messageId, body);

  beforeAll(async () => {
    services = await startTestServices();
    const config = services.config({
      SEQUENCES_DIR: 'test/fixtures/outcomes',
      WEB_HOST: '127.0.0.1',
      WEB_PORT: String(await freePort()),
      METRICS_TOKEN: TOKEN,
    });
    worker = await startWorker({ config, logger: silentLogger() });
    const loaded = worker.getSequence('outcomes');
    assert.ok(loaded && worker.webUrl);
    sequence = loaded;
  });
  afterAll(async () => {
    await worker?.stop();
    await services?.stop();
  });

  it('shows the opt-out and bounce ratios and the age of the oldest waiting reply, by sequence', async () => {
    const optOut = await firstEmailTo('stop@lead.example');
    const asks = await firstEmailTo('asks@lead.example');
    const gone = await firstEmailTo('gone@lead.example');
    await reply(optOut, 'stop@lead.example', '<stop-1@lead.example>', 'Please unsubscribe me from these emails.');
    await reply(asks, 'asks@lead.example', '<asks-1@lead.example>', 'Does it work with Outlook?');
    // A real Postfix report returning the lead's step 1 (its Message-ID swapped in).
    await services.mailbox.deliver(
      await side.bounceReturning({ messageId: gone }, 'postfix-5.1.1-user-unknown.eml', '<bounce-1@mx.lead.example>'),
    );
    assert.equal((await handled('<stop-1@lead.example>')).intent, 'unsubscribe');
    assert.equal((await handled('<asks-1@lead.example>')).intent, 'question');
    assert.equal((await handled('<bounce-1@mx.lead.example>')).intent, 'bounce');

    // The first scrape after the replies reads the figures (the alarm read is cached 60 s after that).
    const response = await fetch(`${worker.webUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await response.text();
    const of = (name: string) => sample(text, `${name}{sequence="outcomes"}`);
    assert.equal(of('parley_sequence_delivered'), 2, 'three emailed, one bounced');
    assert.equal(of('parley_sequence_opt_out_ratio'), 0.5);
    assert.equal(of('parley_sequence_bounce_ratio'), 1 / 3);
    const age = of('parley_reply_queue_age_seconds');
    assert.ok(age !== undefined && age > 0 && age < 120, `queue age ${age}`);
    assert.match(text, /# HELP parley_sequence_opt_out_ratio Opt-outs per email delivered, last 7 days/);
  });
});
