import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { freePort } from '../src/embedded/index.ts';
import { createLogger } from '../src/logger.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';

const TOKEN = 'events-token-for-tests-0123456789abcdef';

// The path a website's events take, through real servers: POST /api/events on a running worker,
// the segment entered, the sequence whose audience it is enrolling the contact, and the step going
// out over SMTP with the page the contact visited in it.
describe('events API to segment-driven enrollment', () => {
  let services: TestServices;
  let worker: Worker;
  let url: string;
  let logged = '';

  beforeAll(async () => {
    services = await startTestServices();
    const config = services.config({
      SEQUENCES_DIR: 'test/fixtures/segment-audience/sequences',
      SEGMENTS_DIR: 'test/fixtures/segment-audience/segments',
      EVENTS_API_TOKEN: TOKEN,
      WEB_PORT: String(await freePort()),
      SEGMENT_EVENTS_MS: '60000',
      LOG_LEVEL: 'info',
    });
    const sink = { write: (chunk: string) => ((logged += chunk), true) } as unknown as NodeJS.WritableStream;
    worker = await startWorker({ config, logger: createLogger('info', sink) });
    url = `${worker.webUrl}/api/events`;
  });
  afterAll(async () => {
    await worker?.stop();
    await services?.stop();
  });

  const post = (body: unknown, token = TOKEN) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });

  it('refuses a request without the token and answers a malformed body with JSON', async () => {
    const noToken = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(noToken.status, 401);
    assert.equal((await post({}, 'wrong-token-wrong-token-wrong-token-00')).status, 401);
    const broken = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{"email": ',
    });
    assert.equal(broken.status, 400);
    assert.equal(((await broken.json()) as { error: string }).error, 'bad_request');
    const tooMany = await post({ events: Array.from({ length: 1001 }, () => ({ email: 'x@lead.example', type: 'page_visited' })) });
    assert.equal(tooMany.status, 400);
    assert.ok(!logged.includes(TOKEN), 'the token never reaches the log');
  });

  it('checks the token before it reads the body, and refuses deep nesting before it parses', async () => {
    // A stranger's oversized or broken body is not read: 401, not the 413 or 400 a parse would give.
    const huge = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '['.repeat(3_000_000) });
    assert.equal(huge.status, 401);
    const broken = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email": ' });
    assert.equal(broken.status, 401);
    // With the token, a nesting bomb is refused before JSON.parse; a string full of brackets is not nesting.
    const nested = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '['.repeat(100_000) + ']'.repeat(100_000),
    });
    assert.equal(nested.status, 400);
    assert.deepEqual(await nested.json(), {
      error: 'bad_request',
      message: 'Send a JSON body (application/json) within the size and nesting limits.',
    });
    const brackets = await post({ email: 'brackets@lead.example', type: 'page_visited', props: { title: '[[[[[[[[[[{{{{{{{{{{' } });
    assert.equal(brackets.status, 200);
  });

  it('enrolls a contact the moment its events put it in the segment, and the email names the page', async () => {
    const now = Date.now();
    const single = await post({
      id: 'visit-1',
      email: 'Vera@Lead.example',
      type: 'page_visited',
      at: new Date(now - 60_000).toISOString(),
      props: { url: '/pricing/teams', title: 'Team plans' },
    });
    assert.equal(single.status, 200);
    assert.deepEqual(await single.json(), {
      recorded: 1,
      duplicates: 0,
      rejected: 0,
      results: [{ index: 0, status: 'recorded', eventId: 'ext:visit-1' }],
    });

    const batch = await post({
      events: [
        { id: 'visit-1', email: 'vera@lead.example', type: 'page_visited', props: { url: '/pricing/teams' } },
        {
          id: 'visit-2',
          email: 'vera@lead.example',
          type: 'page_visited',
          at: now - 1000,
          props: { url: '/pricing', title: 'Plans and pricing' },
        },
        { id: 'bad', email: 'vera@lead.example', type: 'Page Visited' },
      ],
    });
    const body = (await batch.json()) as {
      recorded: number;
      duplicates: number;
      rejected: number;
      results: Array<{ status: string; reason?: string }>;
    };
    assert.deepEqual([body.recorded, body.duplicates, body.rejected], [1, 1, 1]);
    assert.match(body.results[2]?.reason ?? '', /type: lower-case snake_case/);

    // SEGMENT_EVENTS_MS is a minute here: only the API's nudge can have been this fast.
    const [mail] = await services.sink.waitFor(1, 20_000);
    assert.equal(mail?.envelopeTo[0], 'vera@lead.example');
    assert.equal(mail?.parsed.subject, 'Plans and pricing');
    assert.match(mail?.parsed.text ?? '', /I saw you looking at \/pricing twice this week/);
    const enrollment = await worker.database.enrollments.findOne({ email: 'vera@lead.example' });
    assert.deepEqual(enrollment?.source, { kind: 'segment', segmentId: 'pricing-visitors' });
    const sent = await eventually(
      'the email_sent event',
      async () => (await worker.database.events.findOne({ type: 'email_sent', enrollmentId: enrollment?._id })) ?? undefined,
    );
    assert.equal(sent.sequenceId, 'pricing-visitor');
  });
});
