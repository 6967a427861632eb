import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { inboxSignal, type ParleyCollections } from '../../db/index.ts';

/** How often the open inboxes' signal is read while at least one inbox listens: one `_id` read. */
export const SIGNAL_READ_MS = 250;
/** A comment line now and then keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 20_000;
/** A stream ends after this long and the browser opens a new one: the session is checked again. */
const STREAM_LIFETIME_MS = 10 * 60_000;
/** Open streams, all reps together; more are refused (the inbox then reloads its rows by itself). */
const MAX_STREAMS = 500;

/**
 * Server push for open inboxes (Server-Sent Events, GET /api/tasks/events). FerretDB v1 has no
 * change streams, so one reader per process watches the task queue's signal document
 * (InboxSignalDoc, changed by every task write of any worker replica) and tells every open inbox
 * of this process at once; each then fetches its own rows. A new task reaches an open inbox within
 * SIGNAL_READ_MS plus one fetch, and no inbox polls the queue itself.
 */
export class InboxStream {
  readonly #db: ParleyCollections;
  readonly #streams = new Set<ServerResponse>();
  #timer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #token: string | undefined;
  #reading = false;

  constructor(db: ParleyCollections) {
    this.#db = db;
  }

  get listening(): number {
    return this.#streams.size;
  }

  /** Takes over the response as an event stream until the browser leaves or the stream's time is up. */
  open(response: ServerResponse): boolean {
    if (this.#streams.size >= MAX_STREAMS) return false;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Proxies such as nginx would otherwise hold the events back in a buffer.
      'x-accel-buffering': 'no',
    });
    // The browser waits this long before opening a new stream after one ends.
    response.write('retry: 1000\n\n');
    this.#streams.add(response);
    const lifetime = setTimeout(() => response.end(), STREAM_LIFETIME_MS);
    lifetime.unref();
    response.on('close', () => {
      clearTimeout(lifetime);
      this.#streams.delete(response);
      if (this.#streams.size === 0) this.#stop();
    });
    this.#start();
    return true;
  }

  /** Ends every stream (the server is closing: a held-open response would keep it waiting). */
  close(): void {
    for (const response of this.#streams) response.end();
    this.#streams.clear();
    this.#stop();
  }

  #start(): void {
    if (this.#timer) return;
    // The token as the first inbox found it; changes after that are news.
    void this.#read(false);
    this.#timer = setInterval(() => void this.#read(true), SIGNAL_READ_MS);
    this.#heartbeat = setInterval(() => this.#send(': heartbeat\n\n'), HEARTBEAT_MS);
    this.#timer.unref();
    this.#heartbeat.unref();
  }

  #stop(): void {
    clearInterval(this.#timer);
    clearInterval(this.#heartbeat);
    this.#timer = undefined;
    this.#heartbeat = undefined;
    this.#token = undefined;
  }

  async #read(announce: boolean): Promise<void> {
    if (this.#reading) return; // a slow database: one read at a time
    this.#reading = true;
    try {
      const token = await inboxSignal(this.#db).read();
      if (token !== this.#token) {
        const first = this.#token === undefined && !announce;
        this.#token = token;
        if (!first) this.#send('event: tasks\ndata: changed\n\n');
      }
    } catch {
      // The database is away for a moment: the next read tries again; the inboxes keep their rows.
    } finally {
      this.#reading = false;
    }
  }

  #send(chunk: string): void {
    for (const response of this.#streams) response.write(chunk);
  }
}

/** GET /api/tasks/events: the inbox's event stream (behind the rep app's session check). */
export function registerInboxStream(app: FastifyInstance, stream: InboxStream): void {
  app.addHook('preClose', (done) => {
    stream.close();
    done();
  });
  app.get('/api/tasks/events', (_request, reply) => {
    reply.hijack();
    if (!stream.open(reply.raw)) {
      reply.raw.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '30' });
      reply.raw.end('Too many open inboxes; this one reloads its rows by itself.');
    }
  });
}
