import type { ParleyCollections } from '../db/index.ts';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Sequence } from '../sequences/index.ts';
import { referencedEventTypes } from './facts.ts';
import { refreshAllSegments, refreshContacts, type RefreshReport } from './refresh.ts';
import type { Segment } from './types.ts';

export interface SegmentUpdaterOptions {
  db: ParleyCollections;
  segments: () => readonly Segment[];
  sequences: () => readonly Sequence[];
  logger: Logger;
  /** Milliseconds between passes over newly recorded events (SEGMENT_EVENTS_MS). */
  eventPassMs: number;
  now?: () => Date;
}

/**
 * Events recorded by another process (or another worker) may carry a receivedAt a little behind
 * the newest one seen; each pass looks back this far, skipping the events it already handled.
 */
const LOOK_BACK_MS = 15_000;

/**
 * Keeps segment membership current as events arrive: every `eventPassMs` (or at once after
 * `nudge()`, which the events API calls) it re-evaluates the contacts with new events of the
 * types segments use. `refreshAll` re-evaluates everyone (the periodic job), so time windows expire.
 */
export class SegmentUpdater {
  readonly #o: SegmentUpdaterOptions & Required<Pick<SegmentUpdaterOptions, 'now'>>;
  readonly #log: Logger;
  #since: Date;
  #seen = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(options: SegmentUpdaterOptions) {
    this.#o = { now: () => new Date(), ...options };
    this.#log = options.logger.child({ component: 'segments' });
    this.#since = new Date(this.#o.now().getTime() - LOOK_BACK_MS);
  }

  start(): void {
    this.#timer = setInterval(() => this.nudge(), this.#o.eventPassMs);
    this.#timer.unref();
  }

  /** Runs a pass now, or right after the one running (passes never overlap in one process). */
  nudge(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#eventPass()
      .catch((error: unknown) => this.#log.warn({ err: describeError(error) }, 'segment event pass failed'))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.nudge();
        }
      });
  }

  /** Resolves when no pass is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#again = false;
    await this.idle();
  }

  async refreshAll(): Promise<RefreshReport> {
    const report = await refreshAllSegments(this.#o.db, this.#input());
    if (report.entered + report.exited > 0) this.#log.info(report, 'segments refreshed');
    return report;
  }

  async #eventPass(): Promise<void> {
    const segments = this.#o.segments();
    const types = [...referencedEventTypes(segments)];
    if (types.length === 0) return;
    const from = new Date(this.#since.getTime() - LOOK_BACK_MS);
    const events = await this.#o.db.events
      .find({ receivedAt: { $gte: from }, type: { $in: types } }, { projection: { contactId: 1, receivedAt: 1 } })
      .toArray();
    const fresh = events.filter((e) => !this.#seen.has(e._id));
    if (fresh.length === 0) return;
    const report = await refreshContacts(this.#o.db, fresh.map((e) => e.contactId), this.#input());
    for (const e of fresh) if (e.receivedAt > this.#since) this.#since = e.receivedAt;
    // Only the ids still inside the look-back window need remembering.
    const horizon = this.#since.getTime() - LOOK_BACK_MS;
    this.#seen = new Set([...events.filter((e) => e.receivedAt.getTime() >= horizon).map((e) => e._id)]);
    if (report.entered + report.exited > 0) this.#log.info(report, 'segment membership changed');
  }

  #input() {
    return { segments: this.#o.segments(), sequences: this.#o.sequences(), now: this.#o.now() };
  }
}
