import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** What /metrics serves: the worker's WorkerMetrics, or anything else that renders Prometheus text. */
export interface MetricsSource {
  contentType: string;
  render(): Promise<string>;
}

/**
 * `GET /metrics` for Prometheus. With a token, a request without `Authorization: Bearer <token>`
 * gets 401 and a `WWW-Authenticate` challenge (RFC 6750 §3). The comparison runs over SHA-256
 * digests, which always have the same length, so timingSafeEqual neither throws nor reveals the
 * token's length.
 */
export function registerMetricsRoute(app: FastifyInstance, options: { metrics: MetricsSource; token: string | undefined }): void {
  const expected = options.token === undefined ? undefined : digest(options.token);
  app.get('/metrics', async (request, reply) => {
    if (expected && !bearerMatches(request.headers.authorization, expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="parley-metrics"')
        .type('text/plain; charset=utf-8')
        .send('A bearer token is required.\n');
    }
    const text = await options.metrics.render();
    return reply.type(options.metrics.contentType).send(text);
  });
}

function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  // The scheme is case-insensitive (RFC 9110 §11.1); the token is everything after it.
  const given = /^Bearer +(.+)$/i.exec(header ?? '')?.[1];
  // Hash something even without a token, so a missing header takes as long as a wrong one.
  const same = timingSafeEqual(digest(given ?? ''), expected);
  return given !== undefined && same;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
