import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { enrollContacts } from '../src/enrollments/index.ts';
import { freePort } from '../src/embedded/index.ts';
import { silentLogger } from '../src/logger.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';

// A sequence with List-Unsubscribe and an HTML part, sent by a real worker whose web server takes
// the one-click unsubscribe (RFC 8058) over HTTP.
describe('opting out by link', () => {
  let services: TestServices;
  let worker: Worker;

  beforeAll(async () => {
    services = await startTestServices();
    const port = await freePort();
    worker = await startWorker({
      config: services.config({
        SEQUENCES_DIR: 'test/fixtures/opt-out',
        WEB_PORT: String(port),
        PUBLIC_BASE_URL: `http://localhost:${port}`,
        UNSUBSCRIBE_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      }),
      logger: silentLogger(),
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await services?.stop();
  });

  it('sends List-Unsubscribe and a plain HTML part, and the link suppresses the contact', async () => {
    const sequence = worker.getSequence('link-and-html');
    assert.ok(sequence);
    await enrollContacts(worker.database, sequence, [{ email: 'optout@lead.example', firstName: 'Oli' }]);
    const [mail] = await services.sink.waitFor(1);
    const raw = mail?.raw.toString('utf8') ?? '';
    const url = /<(http:\/\/localhost:\d+\/u\/[^>]+)>/.exec(raw)?.[1];
    assert.match(raw, /List-Unsubscribe: <mailto:rep@example\.test\?subject=unsubscribe>,\s+<http:\/\/localhost/);
    assert.ok(url);
    assert.equal(mail?.parsed.replyTo?.value[0]?.address, 'rep@example.test');

    const html = typeof mail?.parsed.html === 'string' ? mail.parsed.html : '';
    assert.match(html, /What made you look for a tool like ours\?/);
    assert.match(html, /<a [^>]*href="https:\/\/parley\.example\/notes"/);
    assert.match(html, /&amp; more/);
    assert.doesNotMatch(html, /<img/i);

    // A link scanner's GET changes nothing; the one-click POST unsubscribes.
    assert.equal((await fetch(url)).status, 200);
    assert.equal((await worker.database.contacts.findOne({ email: 'optout@lead.example' }))?.suppressed, undefined);
    const post = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(post.status, 200);
    const contact = await eventually('the contact suppressed', async () => {
      const c = await worker.database.contacts.findOne({ email: 'optout@lead.example' });
      return c?.suppressed ? c : undefined;
    });
    assert.deepEqual([contact.suppressed?.reason, contact.suppressed?.source], ['unsubscribe', 'link']);
    const enrollment = await worker.database.enrollments.findOne({ email: 'optout@lead.example' });
    assert.equal(enrollment?.status, 'completed', 'its one step was already sent');
    const [again] = await enrollContacts(worker.database, sequence, [{ email: 'optout@lead.example' }]);
    assert.equal(again?.outcome, 'suppressed', 'a suppressed contact is never enrolled again');
  });
});
