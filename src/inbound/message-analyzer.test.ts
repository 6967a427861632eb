import { afterAll, describe, expect, it } from 'vitest';
import { IntentModel, TRAINING_CORPUS } from '../classify/index.ts';
import { isParleyError } from '../errors.ts';
import { fixtureMessages, slowToReadMessage } from '../../test/support/hostile-mail.ts';
import { replyMessage } from '../../test/support/mail.ts';
import { inProcessAnalyzer, ThreadedAnalyzer } from './message-analyzer.ts';

// Threads from the sources: each loads Parley through tsx, which takes a few seconds the first time.
const analyzer = new ThreadedAnalyzer({ threads: 1, timeoutMs: 30_000, heapMb: 256 });
// 18 MB of the slow message take over a second: far past this budget.
const hurried = new ThreadedAnalyzer({ threads: 1, timeoutMs: 600, heapMb: 512 });
afterAll(() => Promise.all([analyzer.close(), hurried.close()]));

describe('analysis threads', () => {
  it('find what the caller’s own thread finds, bounces’ report parts and a trained model included', async () => {
    const trainedModel = IntentModel.train(TRAINING_CORPUS.slice(0, 200));
    const trained = { model: trainedModel, version: 'v-test', json: trainedModel.toJSON() };
    for (const [i, raw] of fixtureMessages().entries()) {
      const model = i % 2 === 0 ? trained : undefined;
      const [own, threaded] = await Promise.all([inProcessAnalyzer.analyze(raw, model), analyzer.analyze(raw, model)]);
      expect(threaded).toEqual(own);
      for (const part of threaded.message.reportParts) expect(Buffer.isBuffer(part.content)).toBe(true);
    }
  }, 120_000);

  it('keep the code of an expected failure', async () => {
    // mailparser refuses a header block over its limit: an expected failure, thrown in the thread.
    const huge = Buffer.from(`From: a@lead.example\r\nX-Padding: ${'a'.repeat(3_000_000)}\r\n\r\nhello\r\n`);
    const failure = await analyzer.analyze(huge, undefined).catch((error: unknown) => error);
    expect(isParleyError(failure, 'MESSAGE_MALFORMED')).toBe(true);
  });

  it('stop a message that runs past the time budget, and read the next one on a fresh thread', async () => {
    const slow = slowToReadMessage({ megabytes: 18 });
    let started = performance.now();
    await inProcessAnalyzer.analyze(slow, undefined);
    const wholeMs = performance.now() - started;
    // A thread's warm-up (loading Parley, training the model) is no part of the message's time.
    await hurried.ready();
    started = performance.now();
    const failure = await hurried.analyze(slow, undefined).catch((error: unknown) => error);
    expect(isParleyError(failure, 'ANALYSIS_TIMED_OUT'), String(failure)).toBe(true);
    // Stopped at the budget, not at the end of the message.
    expect(performance.now() - started).toBeLessThan(wholeMs / 2);
    // The replacement thread reads the next message. On a machine loaded by other test runs its
    // first short reply can itself pass 600 ms, so it gets two more tries before that counts.
    const reply = Buffer.from(
      replyMessage({ from: 'lee@lead.example', to: 'dana@parley.test', subject: 'Re: hello', body: 'Yes, send it over.' }),
    );
    let next = await hurried.analyze(reply, undefined).catch((error: unknown) => error);
    for (let tries = 1; tries < 3 && isParleyError(next, 'ANALYSIS_TIMED_OUT'); tries += 1) {
      next = await hurried.analyze(reply, undefined).catch((error: unknown) => error);
    }
    if (next instanceof Error) throw next;
    expect((next as { visibleText: string }).visibleText).toBe('Yes, send it over.');
  }, 60_000);
});
