import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { freePort } from '../src/embedded/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { silentLogger } from '../src/logger.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { replyMessage } from './support/mail.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { sample } from './support/prometheus.ts';

const TOKEN = 'metrics-test-token-0123456789';

// A real worker (FerretDB, Dovecot, the SMTP sink, its web server on a free loopback port) sends a
// step and hears the reply; Prometheus's view of that, at GET /metrics, behind the bearer token.
describe('GET /metrics on a running worker', () => {
  let services: TestServices;
  let worker: Worker;
  let metricsUrl: string;

  const scrape = async (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => fetch(metricsUrl, { headers });
  /** Scrapes until `series` shows `value` (the counters move a moment after the records they follow). */
  const scrapeUntil = (series: string, value: number) =>
    eventually(`${series} = ${value}`, async () => {
      const text = await (await scrape()).text();
      return sample(text, series) === value ? text : undefined;
    });

  beforeAll(async () => {
    services = await startTestServices();
    const config = services.config({
      SEQUENCES_DIR: 'test/fixtures/outcomes',
      WEB_HOST: '127.0.0.1',
      WEB_PORT: String(await freePort()),
      METRICS_TOKEN: TOKEN,
    });
    worker = await startWorker({ config, logger: silentLogger() });
    assert.ok(worker.webUrl);
    metricsUrl = `${worker.webUrl}/metrics`;
  });
  afterAll(async () => {
    await worker?.stop();
    await services?.stop();
  });

  it('refuses a scrape without the bearer token', async () => {
    const refused: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer not-the-token-0123456789' },
      { authorization: `Basic ${TOKEN}` },
    ];
    for (const headers of refused) {
      const response = await scrape(headers);
      assert.equal(response.status, 401, JSON.stringify(headers));
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="parley-metrics"');
      assert.doesNotMatch(await response.text(), /parley_/);
    }
  });

  it('counts the step sent and the reply handled, and shows the queue read from MongoDB', async () => {
    // An enrollment whose sequence file is gone: due for two minutes and waiting (the sender skips
    // it until the file is back), so the queue has depth and lag.
    const dueAt = new Date(Date.now() - 120_000);
    await worker.database.enrollments.insertOne({
      _id: 'stalled-enrollment',
      contactId: 'stalled-contact',
      email: 'stalled@lead.example',
      sequenceId: 'not-loaded',
      status: 'active',
      passedStepIds: [],
      skippedSteps: [],
      nextStepAt: dueAt,
      threadMessageIds: [],
      enrolledAt: dueAt,
      updatedAt: dueAt,
    });

    const sequence = worker.getSequence('outcomes');
    assert.ok(sequence);
    const [enrolled] = await enrollContacts(worker.database, sequence, [{ email: 'meet@lead.example', firstName: 'Mel' }]);
    assert.equal(enrolled?.outcome, 'enrolled');
    const sent = await eventually('step 1 to meet@lead.example', async () =>
      services.sink.received.find((m) => m.envelopeTo[0] === 'meet@lead.example'),
    );
    const stepOne = sent.parsed.messageId ?? '';
    await scrapeUntil('parley_steps_sent_total{sequence="outcomes"}', 1);

    await services.mailbox.deliver(
      replyMessage({
        from: 'meet@lead.example',
        to: 'dana@parley.test',
        subject: 'Re: Quick question about your team',
        messageId: '<meet-metrics-1@lead.example>',
        inReplyTo: stepOne,
        references: [stepOne],
        body: 'Can we get on a call Tuesday at 2pm? Please send me a calendar invite.',
      }),
    );
    await scrapeUntil('parley_replies_handled_total{intent="meeting_request",outcome="route_to_owner"}', 1);
    // The poll is counted once it has finished (after the keyword and the cursor are saved), a moment after the reply.
    const text = await eventually('the poll that found the reply counted', async () => {
      const scraped = await (await scrape()).text();
      const polled = (sample(scraped, 'parley_imap_poll_duration_seconds_count') ?? 0) >= 1;
      return polled && (sample(scraped, 'parley_inbound_messages_total') ?? 0) >= 1 ? scraped : undefined;
    });
    const response = await scrape();
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);

    assert.equal(sample(text, 'parley_steps_sent_total{sequence="outcomes"}'), 1, 'one step out, the follow-up is two days away');
    assert.equal(sample(text, 'parley_reply_handling_duration_seconds_count'), 1);
    assert.ok((sample(text, 'parley_steps_skipped_total{sequence="not-loaded"}') ?? 0) >= 1, 'the stalled enrollment is skipped each run');
    assert.ok((sample(text, 'parley_imap_poll_duration_seconds_count') ?? 0) >= 1);
    assert.ok((sample(text, 'parley_inbound_messages_total') ?? 0) >= 1);
    assert.ok((sample(text, 'parley_mailbox_last_poll_age_seconds') ?? Infinity) < 10, 'the mailbox was polled a moment ago');
    for (const component of ['send-job', 'mailbox-poller', 'task-upkeep', 'metrics']) {
      assert.equal(sample(text, `parley_errors_total{component="${component}"}`), 0, component);
    }
    assert.ok(sample(text, 'process_resident_memory_bytes') !== undefined, 'the process metrics are there too');

    // The gauges come from MongoDB; the snapshot is cached for a few seconds, so wait for the one
    // taken after the reply's task was queued.
    const after = await scrapeUntil('parley_open_tasks{status="open"}', 1);
    assert.equal(sample(after, 'parley_queue_depth'), 1, 'only the stalled enrollment is due: the lead is paused');
    const lag = sample(after, 'parley_job_lag_seconds') ?? 0;
    assert.ok(lag >= 120 && lag < 180, `job lag ${lag}`);
    assert.equal(sample(after, 'parley_open_tasks{status="claimed"}'), 0);
  });
});
