import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('logging an error as { err }', () => {
  it('keeps the type, message, stack, code and causes, and no other property', () => {
    const out = capture();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), {
      code: 'ECONNREFUSED',
      topology: { servers: ['a', 'b'] },
    });
    const failed = Object.assign(new Error('send run failed', { cause: refused }), {
      name: 'MongoServerSelectionError',
      responseCode: 421,
    });
    createLogger('info', out.stream).warn({ err: failed }, 'send run failed');
    const [line] = out.lines();
    const err = line?.err as Record<string, unknown>;
    assert.equal(err.type, 'MongoServerSelectionError');
    assert.equal(err.message, 'send run failed');
    assert.match(String(err.stack), /send run failed\n\s+at /);
    assert.equal(err.responseCode, 421);
    assert.deepEqual(Object.keys(err.cause as object).sort(), ['code', 'message', 'stack', 'type']);
    assert.equal((err.cause as Record<string, unknown>).code, 'ECONNREFUSED');
    assert.equal(JSON.stringify(line).includes('servers'), false, 'a property outside the list is left out');
  });

  it('logs a thrown non-error as its text, and stops after a few causes of a cycle', () => {
    const out = capture();
    const looped = new Error('outer');
    (looped as { cause?: unknown }).cause = looped;
    const log = createLogger('info', out.stream);
    log.warn({ err: 'plain words' }, 'first');
    log.warn({ err: looped }, 'second');
    const [first, second] = out.lines();
    assert.equal(first?.err, 'plain words');
    let depth = 0;
    for (let e = second?.err as { cause?: unknown } | undefined; e && typeof e === 'object'; e = e.cause as typeof e) depth += 1;
    assert.equal(depth, 6);
  });
});

describe('secrets in log lines', () => {
  it('redacts webhook signing secrets: in the whole config, and in an endpoint logged by itself', () => {
    const out = capture();
    const log = createLogger('info', out.stream);
    const endpoint = { id: 'crm', url: 'https://crm.example/hook', secret: 'whsec-should-never-show-0123456789abcdef' };
    log.info({ config: { webhooks: { endpoints: [endpoint] } } }, 'config');
    log.info({ webhooks: { endpoints: [endpoint] } }, 'webhooks');
    log.info({ endpoint }, 'endpoint');
    const text = out
      .lines()
      .map((l) => JSON.stringify(l))
      .join('\n');
    assert.doesNotMatch(text, /whsec-should-never-show/);
    assert.match(text, /"id":"crm"/);
  });
});
