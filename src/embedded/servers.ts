import { startDovecot, type EmbeddedMailbox } from './dovecot.ts';
import { startFerretDB } from './ferretdb.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

export interface EmbeddedServers {
  /** The given MONGODB_URL, or the embedded FerretDB's. */
  mongoUrl: string;
  sink: SmtpSink;
  mailbox: EmbeddedMailbox;
  /** Stops everything started here, in reverse order; never throws. */
  stop(): Promise<void>;
}

/**
 * Everything the loop needs on loopback: FerretDB (unless a MongoDB URL is given), an SMTP sink
 * and a Dovecot mailbox. If one fails to start, the ones already started are stopped.
 */
export async function startEmbeddedServers(options: { mongoUrl?: string | undefined } = {}): Promise<EmbeddedServers> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let mongoUrl = options.mongoUrl;
    if (!mongoUrl) {
      const ferret = await startFerretDB();
      stops.push(() => ferret.stop());
      mongoUrl = ferret.url;
    }
    const sink = await startSmtpSink();
    stops.push(() => sink.stop());
    const mailbox = await startDovecot();
    stops.push(() => mailbox.stop());
    return { mongoUrl, sink, mailbox, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
