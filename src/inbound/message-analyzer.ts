import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ErrorCodes, isParleyError, ParleyError } from '../errors.ts';
import {
  analyzeMessage,
  type AnalysisAnswer,
  type AnalysisTask,
  type AnalyzedMessage,
  type TrainedIntentModel,
} from './message-analysis.ts';

/** Runs the CPU-heavy first look at a message (parse, visible text, classification). */
export interface MessageAnalyzer {
  /** `trustedAuthservIds`: whose Authentication-Results to read (AUTHSERV_ID); none by default. */
  analyze(source: Buffer, model: TrainedIntentModel | undefined, trustedAuthservIds?: readonly string[]): Promise<AnalyzedMessage>;
  /** Stops its threads; analyses still running are abandoned. */
  close(): Promise<void>;
}

/** On the caller's own thread: for tests and tools that read one message at a time. The worker uses threads. */
export const inProcessAnalyzer: MessageAnalyzer = {
  analyze: (source, trained, trustedAuthservIds) => analyzeMessage(source, trained?.model, trustedAuthservIds),
  close: () => Promise.resolve(),
};

export interface AnalysisThreadOptions {
  /** Threads that analyse messages at once (ANALYSIS_THREADS). */
  threads: number;
  /** Milliseconds one message may take once a thread has begun it (ANALYSIS_TIMEOUT_MS); then its thread is stopped. */
  timeoutMs: number;
  /** Heap per thread (ANALYSIS_THREAD_HEAP_MB); a message that needs more fails alone. Unit: MiB. */
  heapMb: number;
}

/**
 * Analyses messages on worker threads (piscina), so hostile mail costs a thread's time, never the
 * event loop's: sending, the web app and /healthz answer while it is read. A message that takes
 * longer than the time budget has its thread stopped (a fresh one takes its place) and fails with
 * ANALYSIS_TIMED_OUT; the poller decides how often it is tried (mailbox-poller.ts).
 */
export class ThreadedAnalyzer implements MessageAnalyzer {
  readonly #pool: Piscina<AnalysisTask, AnalysisAnswer>;
  readonly #timeoutMs: number;
  readonly #threads: number;

  constructor(options: AnalysisThreadOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#threads = options.threads;
    // From the sources (tsx, tests) the thread's entry is TypeScript too: a small entry registers tsx's loader first.
    const fromSources = import.meta.url.endsWith('.ts');
    this.#pool = new Piscina({
      filename: new URL(fromSources ? './analysis-thread-sources.mjs' : './analysis-thread.js', import.meta.url).href,
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      // Without the parent's --import tsx: the sources' entry registers it, a build needs none.
      execArgv: process.execArgv.filter(
        (arg, i, all) => !(arg === 'tsx' && all[i - 1] === '--import') && !(arg === '--import' && all[i + 1] === 'tsx'),
      ),
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb },
    });
  }

  async analyze(
    source: Buffer,
    trained: TrainedIntentModel | undefined,
    trustedAuthservIds: readonly string[] = [],
  ): Promise<AnalyzedMessage> {
    const { port1, port2 } = new MessageChannel();
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    port1.once('message', () => {
      timer = setTimeout(() => abort.abort(), this.#timeoutMs);
    });
    const task: AnalysisTask = {
      source,
      model: trained && { version: trained.version, json: trained.json },
      trustedAuthservIds,
      started: port2,
    };
    try {
      const answer = await this.#pool.run(task, { transferList: [port2], signal: abort.signal });
      if (!answer.ok) throw new ParleyError(answer.code, answer.message);
      return withBuffers(answer.analyzed);
    } catch (error) {
      if (isParleyError(error)) throw error;
      if (abort.signal.aborted) {
        throw new ParleyError(
          ErrorCodes.ANALYSIS_TIMED_OUT,
          `Reading the message took over ${this.#timeoutMs} ms (ANALYSIS_TIMEOUT_MS); its analysis was stopped.`,
          { retryable: true },
        );
      }
      // The thread died under it (out of its heap, say): the message's fault, or a bug; never the event loop's.
      throw new ParleyError(
        ErrorCodes.ANALYSIS_FAILED,
        `Reading the message failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
          retryable: true,
        },
      );
    } finally {
      clearTimeout(timer);
      port1.close();
    }
  }

  /**
   * Resolves once every thread has loaded and warmed up (a second or two from the build): the
   * worker starts reading the mailbox after it, so the first reply is not held up by a cold thread.
   */
  async ready(): Promise<void> {
    const sample = Buffer.from('From: ready@parley.invalid\r\nSubject: ready\r\n\r\nready\r\n');
    await Promise.all(Array.from({ length: this.#threads }, () => this.analyze(sample, undefined)));
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}

/** Buffers arrive from a thread as plain Uint8Arrays. */
function withBuffers(analyzed: AnalyzedMessage): AnalyzedMessage {
  const { message } = analyzed;
  const reportParts = message.reportParts.map((part) => ({
    ...part,
    content: Buffer.from(part.content.buffer, part.content.byteOffset, part.content.byteLength),
  }));
  return { ...analyzed, message: { ...message, reportParts } };
}
