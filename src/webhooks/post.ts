import type { WebhookAttemptResult, WebhookDeliveryDoc } from '../db/index.ts';
import type { WebhookEndpoint } from './endpoints.ts';
import { EVENT_ID_HEADER, signatureHeader, SIGNATURE_HEADER } from './signing.ts';

/** Bytes of a receiver's answer kept as the error of a failed attempt (the rest is dropped unread). */
const ANSWER_EXCERPT = 200;

/**
 * POSTs one delivery's body, signed, and says what came back. Redirects are not followed (a 3xx
 * is a failure): the signed body goes to the configured URL only. Never throws for the network.
 */
export async function postEvent(
  endpoint: WebhookEndpoint,
  delivery: Pick<WebhookDeliveryDoc, 'body' | 'eventId' | 'eventType'>,
  attempt: number,
  options: { timeoutMs: number; stopping: AbortSignal; now: () => Date },
): Promise<WebhookAttemptResult> {
  const at = options.now();
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Parley-Webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, delivery.body, at),
        [EVENT_ID_HEADER]: delivery.eventId,
        'Parley-Event-Type': delivery.eventType,
        'Parley-Attempt': String(attempt),
      },
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.stopping]),
    });
    const ok = response.status >= 200 && response.status < 300;
    const answer = ok ? '' : await excerpt(response);
    await response.body?.cancel().catch(() => undefined);
    return {
      at,
      ok,
      status: response.status,
      durationMs: durationMs(),
      ...(!ok && { error: `HTTP ${response.status}${answer && `: ${answer}`}` }),
    };
  } catch (error) {
    return { at, ok: false, error: networkError(error, options), durationMs: durationMs() };
  }
}

async function excerpt(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.slice(0, ANSWER_EXCERPT).replace(/\s+/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Why no answer came, by the error's name and code (never its whole text, which may echo the URL). */
function networkError(error: unknown, options: { timeoutMs: number; stopping: AbortSignal }): string {
  if (options.stopping.aborted) return 'the worker stopped during the attempt';
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${options.timeoutMs} ms`;
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  return code ? `could not connect (${code})` : 'the request failed before an answer came';
}
