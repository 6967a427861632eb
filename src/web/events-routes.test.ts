import { describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import { silentLogger } from '../logger.ts';
import { jsonNesting } from './events-routes.ts';
import { buildWebServer } from './index.ts';

const TOKEN = 'events-token-for-tests-0123456789abcdef';

describe('the events API before any event is read', () => {
  it('measures nesting in one pass, skipping strings and escaped quotes', () => {
    expect(jsonNesting('{"events": [{"props": {"a": 1}}]}')).toBe(4);
    expect(jsonNesting('{"title": "[[[{{{\\"[[["}')).toBe(1);
    expect(jsonNesting('[[[]],[[[]]]]')).toBe(4);
    expect(jsonNesting('"no structure"')).toBe(0);
  });

  it('slows one token down past its requests a minute, and not another', async () => {
    // No request below reaches the database: an empty batch is refused before anything is recorded.
    const app = buildWebServer({
      db: {} as Database,
      unsubscribeSecret: undefined,
      logger: silentLogger(),
      eventsApi: { token: TOKEN, ratePerMinute: 2 },
    });
    try {
      const post = (token: string) =>
        app.inject({
          method: 'POST',
          url: '/api/events',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          payload: '[]',
        });
      expect([(await post(TOKEN)).statusCode, (await post(TOKEN)).statusCode]).toEqual([400, 400]);
      const limited = await post(TOKEN);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ error: 'rate_limited' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // A stranger is turned away by the token check, whatever the count.
      expect((await post('some-other-token-some-other-token-0000')).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});
