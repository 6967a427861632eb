import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { connectDatabase } from '../src/db/index.ts';
import { enrollContacts } from '../src/enrollments/index.ts';
import { startFerretDB } from '../src/embedded/index.ts';
import { analyzeReply, extractVisibleText } from '../src/classify/index.ts';
import { parseInboundMessage, ReplyHandler, toReplyToClassify } from '../src/inbound/index.ts';
import { silentLogger } from '../src/logger.ts';
import { loadSequenceFile } from '../src/sequences/index.ts';
import { databaseServed, type BenchRow } from './results.ts';

/**
 * The whole inbound path per message (parse, strip quotes, classify, match, store, act) against
 * the baseline of mailparser alone on the same messages, on FerretDB (or MONGODB_URL).
 */
export async function benchInbound(count: number): Promise<BenchRow[]> {
  const samples = await loadSamples();
  const ferret = process.env.MONGODB_URL ? undefined : await startFerretDB();
  const db = await connectDatabase(process.env.MONGODB_URL ?? ferret!.url, `parley_bench_${Date.now()}`);
  try {
    const loaded = await loadSequenceFile('sequences/trial-follow-up.yaml');
    if (!loaded.ok) throw new Error('the example sequence does not load');
    const sequence = loaded.sequence;
    await enrollContacts(
      db,
      sequence,
      Array.from({ length: 200 }, (_, i) => ({ email: `lead${i}@bench.example` })),
    );
    // Each message gets its own Message-ID and a sender with an enrollment, so none is a duplicate.
    const messages = Array.from({ length: count }, (_, i) => {
      const sample = samples[i % samples.length]!;
      return Buffer.from(
        sample
          .replace(/^Message-ID:.*$/im, `Message-ID: <bench-${i}@bench.example>`)
          .replace(/^From:.*$/im, `From: Lead ${i} <lead${i % 200}@bench.example>`),
      );
    });

    const baselineStart = process.hrtime.bigint();
    for (const raw of messages) await simpleParser(raw);
    const baselineMs = Number(process.hrtime.bigint() - baselineStart) / 1e6;

    // The same messages through parsing, quote stripping and classification only (no database).
    const analysisStart = process.hrtime.bigint();
    for (const raw of messages) {
      const message = await parseInboundMessage(raw);
      analyzeReply(toReplyToClassify(message, extractVisibleText(message.text, message.html)));
    }
    const analysisMs = Number(process.hrtime.bigint() - analysisStart) / 1e6;

    const handler = new ReplyHandler({ db, logger: silentLogger(), ownAddresses: () => new Set(), getSequence: () => sequence });
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const start = process.hrtime.bigint();
    for (const [uid, raw] of messages.entries()) {
      await handler.handle(raw, { mailbox: 'INBOX', uidValidity: '1', uid: uid + 1 });
      if (uid % 100 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const parleyMs = Number(process.hrtime.bigint() - start) / 1e6;
    const perMessage = (ms: number) => (ms / count).toFixed(2);
    return [
      {
        benchmark: `reply analysis, ${count} messages`,
        measure: 'ms per message',
        parley: perMessage(analysisMs),
        baseline: `${perMessage(baselineMs)} (mailparser only)`,
        ratio: `${(analysisMs / baselineMs).toFixed(1)}×`,
        notes: 'parse, strip quotes, bounce/auto-reply detection, intent model, extractors; no database',
      },
      {
        benchmark: `inbound path, ${count} messages`,
        measure: 'ms per message',
        parley: (parleyMs / count).toFixed(2),
        baseline: `${(baselineMs / count).toFixed(2)} (mailparser only)`,
        ratio: `${(parleyMs / baselineMs).toFixed(1)}×`,
        notes: `${Math.round(count / (parleyMs / 1000))} msg/s; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (+${((peakRss - rssBefore) / 2 ** 20).toFixed(0)}); ${databaseServed()}`,
      },
    ];
  } finally {
    await db.close();
    await ferret?.stop();
  }
}

/** Real-format replies, auto-replies and bounces from the test fixtures. */
async function loadSamples(): Promise<string[]> {
  const dirs = ['test/fixtures/replies', 'test/fixtures/auto-replies', 'test/fixtures/bounces'];
  const samples: string[] = [];
  for (const dir of dirs) {
    const files = await readdir(dir).catch(() => []);
    for (const file of files.filter((f) => f.endsWith('.eml'))) samples.push(await readFile(join(dir, file), 'utf8'));
  }
  if (samples.length === 0) throw new Error('no .eml fixtures found under test/fixtures');
  return samples;
}
