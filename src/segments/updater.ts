import type { ParleyCollections } from '../db/index.ts';
import type { Logger } from '../logger.ts';
import type { Sequence } from '../sequences/index.ts';
import { refreshAllSegments, refreshQueuedContacts, type RefreshReport } from './refresh.ts';
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
 * Keeps segment membership current as events arrive: every `eventPassMs` (or at once after
 * `nudge()`, which the events API calls) it folds the queued events (`rollup_queue`, written by
 * every event recorder) into their contacts' rollups and re-evaluates those contacts.
 * `refreshAll` re-evaluates everyone from the rollups (the periodic job), so time windows expire.
 */
export class SegmentUpdater {
  readonly #o: SegmentUpdaterOptions & Required<Pick<SegmentUpdaterOptions, 'now'>>;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(options: SegmentUpdaterOptions) {
    this.#o = { now: () => new Date(), ...options };
    this.#log = options.logger.child({ component: 'segments' });
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
      .catch((error: unknown) => this.#log.warn({ err: error }, 'segment event pass failed'))
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

  /** Re-evaluates every contact; `stopping` ends it between two slices of contacts. */
  async refreshAll(stopping?: AbortSignal): Promise<RefreshReport> {
    const report = await refreshAllSegments(this.#o.db, { ...this.#input(), stopping });
    if (report.entered + report.exited > 0) this.#log.info(report, 'segments refreshed');
    return report;
  }

  async #eventPass(): Promise<void> {
    const report = await refreshQueuedContacts(this.#o.db, this.#input());
    if (report.entered + report.exited > 0) this.#log.info(report, 'segment membership changed');
  }

  #input() {
    return { segments: this.#o.segments(), sequences: this.#o.sequences(), now: this.#o.now() };
  }
}
