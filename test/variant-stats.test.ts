import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Browser } from 'playwright-core';
import { freePort } from '../src/embedded/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { silentLogger } from '../src/logger.ts';
import { addRep } from '../src/reps/index.ts';
import { outlineOf, readStats } from '../src/stats/index.ts';
import { startWorker, type Worker } from '../src/worker.ts';
import { replyMessage } from './support/mail.ts';
import { eventually, startTestServices, type TestServices } from './support/services.ts';
import { CHROMIUM, launchChromium } from './support/browser.ts';
const PASSWORD = 'variant stats password 123';
const REP = 'vera@parley.test';

// A/B variants through the whole loop: a real worker sends a two-variant step to the SMTP sink,
// leads answer through Dovecot, stats count per variant, and the web stats page shows them.
describe('A/B variant stats on real servers', () => {
  let services: TestServices;
  let worker: Worker;
  let browser: Browser | undefined;

  beforeAll(async () => {
    services = await startTestServices();
    const config = services.config({
      WEB_HOST: '127.0.0.1',
      WEB_PORT: String(await freePort()),
      SESSION_SECRET: 'variant-stats-session-secret-0123456789ab',
      SEQUENCES_DIR: 'test/fixtures/ab-sequences',
      IMAP_POLL_INTERVAL_MS: '1000',
    });
    worker = await startWorker({ config, logger: silentLogger() });
    await addRep(worker.database, { email: REP, name: 'Vera Rep', role: 'admin', password: PASSWORD });
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await services?.stop();
  });

  it('sends both variants, counts replies per variant, and shows them on the stats page', async () => {
    const sequence = worker.getSequence('ab-subject');
    assert.ok(sequence);
    const n = 36;
    const contacts = Array.from({ length: n }, (_, i) => ({ email: `lead${i}@ab.example`, firstName: `Lead${i}`, company: 'Acme' }));
    const enrolled = await enrollContacts(worker.database, sequence, contacts);
    assert.equal(enrolled.filter((e) => e.outcome === 'enrolled').length, n);
    const mail = await services.sink.waitFor(n, 30_000);
    const b = mail.filter((m) => m.parsed.subject === 'A question about Acme');
    const a = mail.filter((m) => m.parsed.subject === 'Quick question');
    assert.equal(a.length + b.length, n);
    assert.ok(a.length >= 4 && b.length >= 4, `a ${a.length}, b ${b.length}: both variants go out`);

    // Three leads of b reply (two interested), one of a.
    const answers = [
      ...b.slice(0, 2).map((m) => ({ m, body: 'Yes, interested. Can you send me the pricing for 12 people?' })),
      { m: b[2], body: 'Not now, maybe next quarter.' },
      { m: a[0], body: 'Not now, maybe next quarter.' },
    ];
    for (const [i, { m, body }] of answers.entries()) {
      assert.ok(m?.parsed.messageId);
      await services.mailbox.deliver(
        replyMessage({
          from: m.envelopeTo[0] ?? '',
          to: sequence.sender.address,
          subject: `Re: ${m.parsed.subject ?? ''}`,
          body,
          messageId: `<ab-answer-${i}@ab.example>`,
          inReplyTo: m.parsed.messageId,
          references: [m.parsed.messageId],
        }),
      );
    }
    await eventually('four replies recorded', async () =>
      (await worker.database.events.countDocuments({ type: 'replied', sequenceId: 'ab-subject' })) === 4 ? true : undefined,
    );

    const now = new Date();
    const report = await readStats(worker.database, {
      period: { from: new Date(now.getTime() - 86_400_000), to: new Date(now.getTime() + 60_000) },
      sequences: [outlineOf(sequence)],
      summaries: false,
    });
    const step = report.sequences[0]?.steps[0];
    assert.deepEqual(
      step?.variants?.map((v) => [v.variantId, v.sent, v.replied]),
      [
        ['a', a.length, 1],
        ['b', b.length, 3],
      ],
    );
    assert.match(step?.variantComparison?.note ?? '', /^not enough data yet/);

    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`npm run setup\``);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const base = worker.webUrl;
    assert.ok(base);
    await page.goto(`${base}/login`);
    await page.fill('#email', REP);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    await page.goto(`${base}/stats`);
    const variants = page.locator('.stats-variants[data-step-id="hello"]');
    await variants.waitFor({ state: 'visible' });
    assert.match(await variants.locator('tr[data-variant-id="b"]').innerText(), new RegExp(`^b\\s+${b.length}\\s+3\\s`));
    assert.match(await variants.locator('tr[data-variant-id="a"]').innerText(), new RegExp(`^a\\s+${a.length}\\s+1\\s`));
    assert.match(await variants.locator('.variant-note').innerText(), /not enough data yet/);
    await page.locator('section[data-sequence-id="ab-subject"]').screenshot({ path: 'docs/screenshots/variant-stats.png' });
  });
});
