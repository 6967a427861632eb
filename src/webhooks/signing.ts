import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (Stripe's scheme). */
export const SIGNATURE_HEADER = 'Parley-Signature';
/** The event's id, for receivers to drop a redelivery. */
export const EVENT_ID_HEADER = 'Parley-Event-Id';
/** Seconds a receiver should accept a signature for, by default (docs/WEBHOOKS.md). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The hex HMAC-SHA256 of `<t>.<body>`: signing the time with the body stops a replay from being re-dated. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The Parley-Signature value for a body sent at `at`. */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${signatureOf(secret, t, body)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'malformed' | 'too_old' | 'mismatch' };

/**
 * What a receiver does (and what docs/WEBHOOKS.md shows): parse the header, refuse a time more than
 * `toleranceSeconds` from now, compare in constant time. Any `v1` may match (a secret being rotated).
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  now: Date,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const signatures = parts.filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => v ?? '');
  if (!Number.isInteger(t) || signatures.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return { ok: false, reason: 'too_old' };
  const expected = Buffer.from(signatureOf(secret, t, body), 'hex');
  const match = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return match ? { ok: true } : { ok: false, reason: 'mismatch' };
}
