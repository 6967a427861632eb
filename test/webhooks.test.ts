import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { connectDatabase, queueWebhook, type Database } from '../src/db/index.ts';
import { silentLogger } from '../src/logger.ts';
import { addRep } from '../src/reps/index.ts';
import type { Sequence } from '../src/sequences/index.ts';
import { applyTaskOutcome } from '../src/tasks/index.ts';
import { buildWebServer } from '../src/web/index.ts';
import { WebhookDispatcher, type WebhookEndpoint } from '../src/webhooks/index.ts';
import { createWorkerMetrics } from '../src/monitoring/index.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { sample } from './support/prometheus.ts';
import { leadSide } from './support/conversation.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { Client, noTransport, REP_PASSWORD } from './support/web-client.ts';
import { runCli } from './support/worker-process.ts';

const SECRET = 'whsec-test-0123456789abcdef0123456789abcdef';
const SESSION_SECRET = 'a session secret of at least thirty-two characters';
const BACKOFF_MS = 400;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A local receiver on a free loopback port: records every POST; /flaky answers 500 twice per event, /down 500 while `down` is set. */
async function startReceiver() {
  const received: Received[] = [];
  const state = { down: true };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(entry);
      const id = String(req.headers['parley-event-id']);
      const tries = received.filter((r) => r.path === entry.path && r.headers['parley-event-id'] === id).length;
      const fail = (entry.path === '/flaky' && tries <= 2) || (entry.path === '/down' && state.down);
      res.writeHead(fail ? 500 : 200, { 'content-type': 'text/plain' }).end(fail ? 'receiver broken' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { received, state, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** What a receiver does (docs/WEBHOOKS.md), written here without Parley's code. */
function verified(r: Received): boolean {
  const header = String(r.headers['parley-signature']);
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1];
  if (!t || !v1 || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', SECRET).update(`${t}.${r.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

type Payload = {
  id: string;
  type: string;
  occurred_at: string;
  data: Record<string, unknown> & { contact: { id: string; email: string } };
};
const payloadOf = (r: Received) => JSON.parse(r.body) as Payload;

describe('outbound webhooks, from a real reply to a local receiver', () => {
  let services: TestServices;
  let worker: Worker;
  let sequence: Sequence;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let dir: string;
  let app: FastifyInstance;
  let settings: Record<string, string>;

  const posts = (path: string, type?: string, email?: string) =>
    receiver.received.filter((r) => {
      if (r.path !== path) return false;
      const p = payloadOf(r);
      return (type === undefined || p.type === type) && (email === undefined || p.data.contact.email === email);
    });
  const delivered = (path: string, type: string, email: string) =>
    eventually(`${type} for ${email} at ${path}`, async () => posts(path, type, email)[0]);

  const { firstEmailTo, replyTo, bounceReturning } = leadSide({ services: () => services, worker: () => worker, sequence: () => sequence });

  beforeAll(async () => {
    receiver = await startReceiver();
    dir = await mkdtemp(join(tmpdir(), 'parley-webhooks-'));
    const file = join(dir, 'webhooks.yaml');
    await writeFile(
      file,
      `endpoints:
  - id: crm
    url: ${receiver.url}/crm
    events: [reply, interested, meeting_request, qualified, opt_out, bounce, task_closed]
    secret_env: TEST_WEBHOOK_SECRET
  - id: flaky
    url: ${receiver.url}/flaky
    events: [interested]
    secret_env: TEST_WEBHOOK_SECRET
  - id: down
    url: ${receiver.url}/down
    events: [opt_out]
    secret_env: TEST_WEBHOOK_SECRET
`,
    );
    services = await startTestServices();
    settings = {
      SEQUENCES_DIR: 'test/fixtures/outcomes',
      WEBHOOKS_FILE: file,
      TEST_WEBHOOK_SECRET: SECRET,
      PARLEY_INSECURE_LOCAL_WEBHOOKS: 'true',
      WEBHOOK_INTERVAL_MS: '200',
      WEBHOOK_BACKOFF_MS: String(BACKOFF_MS),
      WEBHOOK_BACKOFF_MAX_MS: '5000',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_TIMEOUT_MS: '2000',
    };
    worker = await startWorker({ config: services.config(settings), logger: silentLogger() });
    const loaded = worker.getSequence('outcomes');
    assert.ok(loaded);
    sequence = loaded;
    const db = worker.database;
    await addRep(db, { email: 'alice@parley.test', name: 'Alice Admin', role: 'admin', password: REP_PASSWORD });
    await addRep(db, { email: 'bob@parley.test', name: 'Bob Rep', role: 'rep', password: REP_PASSWORD });
    app = buildWebServer({
      db,
      unsubscribeSecret: undefined,
      logger: silentLogger(),
      repApp: {
        db,
        transport: noTransport,
        getSequence: () => undefined,
        listSequences: () => [],
        messageIdDomain: 'parley.test',
        sessionSecret: SESSION_SECRET,
        secureCookies: false,
      },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await worker?.stop();
    await services?.stop();
    await receiver?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('an interested reply reaches the receiver as reply and interested, signed, with its event id; closing its task announces that too', async () => {
    const lead = await firstEmailTo('keen@lead.example');
    await replyTo(lead, 'keen@lead.example', '<keen-1@lead.example>', 'Yes, this sounds great. We are interested, let us talk.');
    const interested = await delivered('/crm', 'interested', 'keen@lead.example');
    const reply = await delivered('/crm', 'reply', 'keen@lead.example');
    for (const r of [interested, reply]) {
      assert.ok(verified(r), 'the HMAC over t.body checks out with the shared secret');
      assert.equal(r.headers['parley-event-id'], payloadOf(r).id);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.doesNotMatch(JSON.stringify(r.headers) + r.body, new RegExp(SECRET));
    }
    const p = payloadOf(interested);
    assert.equal(p.data.intent, 'interested');
    assert.equal(p.data.sequence_id, 'outcomes');
    assert.notEqual(p.id, payloadOf(reply).id, 'two events, two ids');
    // The same signature fails for another secret or a changed body.
    assert.equal(verified({ ...interested, body: interested.body.replace('interested', 'not_interested') }), false);

    const task = await eventually(
      'the task for the interested reply',
      async () => (await worker.database.tasks.findOne({ contactId: p.data.contact.id })) ?? undefined,
    );
    const admin = await worker.database.reps.findOne({ _id: 'alice@parley.test' });
    assert.ok(admin);
    const closed = await applyTaskOutcome(
      worker.database,
      task._id,
      admin,
      { kind: 'done' },
      { getSequence: () => sequence, confirmed: true },
    );
    assert.ok(closed.ok);
    const taskClosed = await delivered('/crm', 'task_closed', 'keen@lead.example');
    assert.ok(verified(taskClosed));
    assert.deepEqual(
      [payloadOf(taskClosed).data.task_id, payloadOf(taskClosed).data.outcome, payloadOf(taskClosed).data.closed_by],
      [task._id, 'done', 'alice@parley.test'],
    );
  });

  it('a receiver that answers 500 twice gets the event on the third try, after the backoff; every attempt is recorded', async () => {
    const first = await delivered('/flaky', 'interested', 'keen@lead.example');
    const id = payloadOf(first).id;
    const tries = await eventually('three tries at /flaky', async () => {
      const all = posts('/flaky').filter((r) => payloadOf(r).id === id);
      return all.length >= 3 ? all : undefined;
    });
    assert.equal(tries.length, 3);
    assert.equal(new Set(tries.map((t) => t.body)).size, 1, 'the same body every time');
    assert.ok(tries.every(verified));
    assert.deepEqual(
      tries.map((t) => t.headers['parley-attempt']),
      ['1', '2', '3'],
    );
    // Equal jitter: never under half the planned wait (400 ms, then 800 ms).
    const [a, b, c] = tries.map((t) => t.at);
    assert.ok(a !== undefined && b !== undefined && c !== undefined);
    assert.ok(b - a >= BACKOFF_MS / 2, `second try ${b - a} ms after the first`);
    assert.ok(c - b >= BACKOFF_MS, `third try ${c - b} ms after the second`);
    const delivery = await eventually('the flaky delivery settled', async () => {
      const d = await worker.database.webhookDeliveries.findOne({ _id: `flaky~${id}` });
      return d?.state === 'delivered' ? d : undefined;
    });
    assert.equal(delivery.attempts, 3);
    const attempts = await worker.database.webhookAttempts.find({ deliveryId: delivery._id }).sort({ n: 1 }).toArray();
    assert.deepEqual(
      attempts.map((t) => [t.n, t.result?.status, t.result?.ok]),
      [
        [1, 500, false],
        [2, 500, false],
        [3, 200, true],
      ],
    );
    assert.match(attempts[0]?.result?.error ?? '', /HTTP 500: receiver broken/);
    assert.doesNotMatch(JSON.stringify(attempts), new RegExp(SECRET));
  });

  it('an opt-out is delivered; one the receiver keeps refusing is given up, shown to admins (not reps), and retried by an admin', async () => {
    const lead = await firstEmailTo('stop@lead.example');
    await replyTo(lead, 'stop@lead.example', '<stop-1@lead.example>', 'Please unsubscribe me from these emails.');
    const optOut = await delivered('/crm', 'opt_out', 'stop@lead.example');
    assert.ok(verified(optOut));
    assert.equal(payloadOf(optOut).data.via, 'reply');
    const id = payloadOf(optOut).id;
    const givenUp = await eventually('the /down delivery given up', async () => {
      const d = await worker.database.webhookDeliveries.findOne({ _id: `down~${id}` });
      return d?.state === 'given_up' ? d : undefined;
    });
    assert.equal(givenUp.attempts, 3);
    assert.equal(posts('/down', 'opt_out', 'stop@lead.example').length, 3);

    const rep = new Client(app);
    await rep.login('bob@parley.test');
    assert.equal((await rep.request('GET', '/admin/webhooks')).statusCode, 403);
    assert.equal(
      (await rep.request('POST', '/admin/webhooks/retry', { form: { id: givenUp._id, _csrf: await rep.csrf('/') } })).statusCode,
      403,
    );

    const admin = new Client(app);
    await admin.login('alice@parley.test');
    const page = await admin.request('GET', '/admin/webhooks?state=given_up');
    assert.equal(page.statusCode, 200);
    const row = new RegExp(`<tr data-delivery="${givenUp._id}" data-state="given_up">.*?</tr>`, 's').exec(page.body)?.[0] ?? '';
    assert.match(row, /given up/);
    assert.match(row, /HTTP 500: receiver broken/);
    assert.match(row, /Retry now/);
    // Without the form's CSRF token the retry is refused.
    assert.equal((await admin.request('POST', '/admin/webhooks/retry', { form: { id: givenUp._id } })).statusCode, 403);

    receiver.state.down = false;
    const retried = await admin.request('POST', '/admin/webhooks/retry', {
      form: { id: givenUp._id, _csrf: await admin.csrf('/admin/webhooks') },
    });
    assert.equal(retried.statusCode, 303);
    assert.equal(retried.headers.location, '/admin/webhooks?notice=queued');
    const done = await eventually('the retried delivery delivered', async () => {
      const d = await worker.database.webhookDeliveries.findOne({ _id: givenUp._id });
      return d?.state === 'delivered' ? d : undefined;
    });
    assert.deepEqual([done.attempts, done.retried?.by], [4, 'alice@parley.test']);
    assert.equal(posts('/down', 'opt_out', 'stop@lead.example').length, 4);
  });

  it('parley webhooks lists a given-up delivery, refuses a rep retry, and retries it for an admin', async () => {
    receiver.state.down = true;
    const lead = await firstEmailTo('quit@lead.example');
    await replyTo(lead, 'quit@lead.example', '<quit-1@lead.example>', 'Please unsubscribe me from these emails.');
    const id = payloadOf(await delivered('/crm', 'opt_out', 'quit@lead.example')).id;
    const deliveryId = `down~${id}`;
    await eventually('given up', async () =>
      (await worker.database.webhookDeliveries.findOne({ _id: deliveryId }))?.state === 'given_up' ? true : undefined,
    );
    const env = services.env(settings);
    const listed = await runCli(['webhooks', 'list', '--state', 'given_up'], env);
    const line = listed.split('\n').find((l) => l.startsWith(deliveryId)) ?? '';
    assert.match(line, /\tdown\topt_out\tgiven_up\t3\tHTTP 500: receiver broken/);
    await assert.rejects(runCli(['webhooks', 'retry', deliveryId, '--as', 'bob@parley.test'], env), /WEBHOOK_RETRY_REFUSED|not_admin/);
    receiver.state.down = false;
    assert.match(await runCli(['webhooks', 'retry', deliveryId, '--as', 'alice@parley.test'], env), /queued/);
    await eventually('delivered after the CLI retry', async () =>
      (await worker.database.webhookDeliveries.findOne({ _id: deliveryId }))?.state === 'delivered' ? true : undefined,
    );
    const shown = await runCli(['webhooks', 'show', deliveryId], env);
    assert.match(shown, /#3\t.*\tfailed\t500/);
    assert.match(shown, /#4\t.*\tok\t200/);
    assert.doesNotMatch(listed + shown, new RegExp(SECRET));
  });

  it('a hard bounce is delivered as bounce', async () => {
    const lead = await firstEmailTo('gone@lead.example');
    await services.mailbox.deliver(await bounceReturning(lead, 'postfix-5.1.1-user-unknown.eml', '<bounce-hard@mx.lead.example>'));
    const bounce = await delivered('/crm', 'bounce', 'gone@lead.example');
    assert.ok(verified(bounce));
    assert.deepEqual([payloadOf(bounce).data.kind, payloadOf(bounce).data.status], ['hard', '5.1.1']);
  });
});

describe('outbound webhooks on two workers at once', () => {
  let services: TestServices;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const connections: Database[] = [];

  beforeAll(async () => {
    services = await startTestServices();
    receiver = await startReceiver();
    // Two connections, as two worker processes would have.
    for (let i = 0; i < 2; i += 1) connections.push(await connectDatabase(services.mongoUrl, services.database));
  });
  afterAll(async () => {
    for (const c of connections) await c.close();
    await services?.stop();
    await receiver?.close();
  });

  it('delivers every event once when both run the job at the same moment, again and again', async () => {
    const [one, two] = connections;
    assert.ok(one && two);
    const endpoint: WebhookEndpoint = {
      id: 'twin',
      url: `${receiver.url}/twin`,
      events: new Set(['qualified', 'opt_out']),
      secret: SECRET,
    };
    const settings = { endpoints: [endpoint], timeoutMs: 2000, maxAttempts: 3, backoff: { baseMs: 100, maxMs: 1000 } };
    const dispatchers = [one, two].map((db, i) => new WebhookDispatcher({ db, settings, logger: silentLogger(), worker: `w${i}` }));
    const at = new Date();
    for (let i = 0; i < 30; i += 1) {
      await queueWebhook(one, {
        _id: `qualified:c${i}`,
        kind: 'qualified',
        at,
        contactId: `c${i}`,
        props: { by: 'parley' },
        queuedAt: at,
      });
    }
    // A redo queues some again after they were fanned out: still one delivery each.
    for (let round = 0; round < 6; round += 1) {
      if (round === 2)
        for (let i = 0; i < 5; i += 1)
          await queueWebhook(two, {
            _id: `qualified:c${i}`,
            kind: 'qualified',
            at,
            contactId: `c${i}`,
            props: { by: 'parley' },
            queuedAt: at,
          });
      await Promise.all(dispatchers.map((d) => d.runOnce()));
    }
    await eventually('30 deliveries', async () => (posts(receiver, '/twin').length >= 30 ? true : undefined));
    const ids = posts(receiver, '/twin').map((r) => payloadOf(r).id);
    assert.equal(ids.length, 30);
    assert.equal(new Set(ids).size, 30);
    assert.equal(await one.webhookDeliveries.countDocuments({ state: 'delivered' }), 30);
    assert.equal(await one.webhookQueue.countDocuments({}), 0);
  });

  it('a worker that died mid-attempt holds nothing: once its lease runs out the attempt counts as failed and the next is made', async () => {
    const [one] = connections;
    assert.ok(one);
    const endpoint: WebhookEndpoint = { id: 'late', url: `${receiver.url}/late`, events: new Set(['bounce']), secret: SECRET };
    const settings = { endpoints: [endpoint], timeoutMs: 2000, maxAttempts: 5, backoff: { baseMs: 50, maxMs: 100 } };
    const dispatcher = new WebhookDispatcher({ db: one, settings, logger: silentLogger(), worker: 'survivor' });
    const at = new Date();
    await queueWebhook(one, {
      _id: 'email_bounced:r1',
      kind: 'email_bounced',
      at,
      contactId: 'c-late',
      props: { kind: 'hard' },
      queuedAt: at,
    });
    await dispatcher.fanOut(new AbortController().signal);
    const [delivery] = await one.webhookDeliveries.find({ endpointId: 'late' }).toArray();
    assert.ok(delivery);
    // Attempt 1 claimed by a worker that died before posting: its lease ran out a second ago.
    const past = new Date(Date.now() - 60_000);
    await one.webhookAttempts.insertOne({
      _id: `${delivery._id}#1`,
      deliveryId: delivery._id,
      n: 1,
      worker: 'dead',
      claimedAt: past,
      leaseUntil: new Date(Date.now() - 1000),
    });
    await eventually('delivered by the survivor', async () => {
      await dispatcher.runOnce();
      return (await one.webhookDeliveries.findOne({ _id: delivery._id }))?.state === 'delivered' ? true : undefined;
    });
    const attempts = await one.webhookAttempts.find({ deliveryId: delivery._id }).sort({ n: 1 }).toArray();
    assert.deepEqual(
      attempts.map((a) => [a.n, a.worker, a.result?.ok]),
      [
        [1, 'dead', false],
        [2, 'survivor', true],
      ],
    );
    assert.match(attempts[0]?.result?.error ?? '', /stopped before it finished/);
    assert.equal(posts(receiver, '/late').length, 1);
  });

  it('a worker without endpoints leaves new events for one with them, and drops them after ten minutes', async () => {
    const [one] = connections;
    assert.ok(one);
    const now = new Date();
    const settings = { endpoints: [], timeoutMs: 2000, maxAttempts: 3, backoff: { baseMs: 100, maxMs: 1000 } };
    const bare = new WebhookDispatcher({ db: one, settings, logger: silentLogger(), now: () => now });
    const marker = (id: string, minutesAgo: number) => {
      const at = new Date(now.getTime() - minutesAgo * 60_000);
      return { _id: id, kind: 'qualified' as const, at, contactId: 'c-bare', props: {}, queuedAt: at };
    };
    await queueWebhook(one, marker('qualified:fresh', 1));
    await queueWebhook(one, marker('qualified:stale', 11));
    await bare.runOnce();
    const left = await one.webhookQueue.find({ _id: { $in: ['qualified:fresh', 'qualified:stale'] } }).toArray();
    assert.deepEqual(
      left.map((m) => m._id),
      ['qualified:fresh'],
    );
    await one.webhookQueue.deleteMany({ _id: 'qualified:fresh' });
  });

  it('counts attempts by endpoint and outcome, and deletes finished deliveries with their attempts after the retention', async () => {
    const [one] = connections;
    assert.ok(one);
    const metrics = createWorkerMetrics();
    const endpoint: WebhookEndpoint = { id: 'counted', url: `${receiver.url}/flaky`, events: new Set(['qualified']), secret: SECRET };
    const settings = {
      endpoints: [endpoint],
      timeoutMs: 2000,
      maxAttempts: 3,
      backoff: { baseMs: 50, maxMs: 100 },
      retentionMs: 24 * 3_600_000,
    };
    const dispatcher = new WebhookDispatcher({ db: one, settings, logger: silentLogger(), metrics });
    const at = new Date();
    await queueWebhook(one, { _id: 'qualified:counted', kind: 'qualified', at, contactId: 'c-counted', props: {}, queuedAt: at });
    const delivery = await eventually('the counted delivery delivered on its third try', async () => {
      await dispatcher.runOnce();
      const d = await one.webhookDeliveries.findOne({ endpointId: 'counted' });
      return d?.state === 'delivered' ? d : undefined;
    });
    const text = await metrics.render();
    assert.equal(sample(text, 'parley_webhook_attempts_total{endpoint="counted",outcome="retry"}'), 2);
    assert.equal(sample(text, 'parley_webhook_attempts_total{endpoint="counted",outcome="delivered"}'), 1);
    assert.equal(await one.webhookAttempts.countDocuments({ deliveryId: delivery._id }), 3);

    // Two days on: the delivered one is past the retention; one finished an hour before, and one
    // still pending however old, are kept.
    const later = new Date((delivery.finishedAt ?? at).getTime() + 2 * 24 * 3_600_000);
    const kept = { ...delivery, _id: 'counted~recent', eventId: 'recent', attempts: 0, finishedAt: new Date(later.getTime() - 3_600_000) };
    const pending = {
      ...delivery,
      _id: 'counted~pending',
      eventId: 'pending',
      state: 'pending' as const,
      attempts: 0,
      finishedAt: undefined,
    };
    await one.webhookDeliveries.insertMany([kept, pending]);
    const pruner = new WebhookDispatcher({ db: one, settings, logger: silentLogger(), metrics, now: () => later });
    // Every finished delivery of this file's tests is that old by then: all of them go, nothing else.
    const cutoff = new Date(later.getTime() - settings.retentionMs);
    const due = await one.webhookDeliveries.countDocuments({ state: { $in: ['delivered', 'given_up'] }, finishedAt: { $lt: cutoff } });
    const pruned = await pruner.prune();
    assert.ok(pruned >= 1);
    assert.equal(pruned, due);
    assert.equal(await one.webhookDeliveries.countDocuments({ _id: delivery._id }), 0);
    assert.equal(await one.webhookAttempts.countDocuments({ deliveryId: delivery._id }), 0, 'its attempts went with it');
    assert.deepEqual((await one.webhookDeliveries.find({ endpointId: 'counted' }).toArray()).map((d) => d._id).sort(), [
      'counted~pending',
      'counted~recent',
    ]);
    assert.equal(sample(await metrics.render(), 'parley_webhook_deliveries_pruned_total'), pruned);
    await one.webhookDeliveries.deleteMany({ endpointId: 'counted' });
  });
});

function posts(receiver: { received: Received[] }, path: string): Received[] {
  return receiver.received.filter((r) => r.path === path);
}
