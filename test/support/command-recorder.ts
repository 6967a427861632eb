import { createServer, connect, type Server, type Socket } from 'node:net';
import { BSON, type Document } from 'mongodb';

/** One database command as a client sent it: its name, collection and filter. */
export interface RecordedCommand {
  command: string;
  collection: string;
  /** The query part: find/count/delete/update filter, or an aggregate's first $match. */
  filter: Document;
  /** find's or aggregate's sort, when it has one. */
  sort?: Document | undefined;
}

export interface CommandRecorder {
  /** mongodb:// URL of the recorder; point clients (and worker processes) at it. */
  readonly url: string;
  readonly commands: RecordedCommand[];
  stop(): Promise<void>;
}

const OP_MSG = 2013;
const FILTERED = new Set(['find', 'count', 'aggregate', 'delete', 'update', 'findAndModify', 'distinct']);

/**
 * A TCP proxy in front of a MongoDB-protocol server that records the queries passing through it,
 * so a test can see every query the real worker and CLI send, from any process, and explain each.
 * It forwards bytes untouched and only reads OP_MSG requests.
 */
export async function startCommandRecorder(target: string): Promise<CommandRecorder> {
  const { hostname, port } = new URL(target);
  const commands: RecordedCommand[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 16 && pending.readInt32LE(0) <= pending.length) {
        const length = pending.readInt32LE(0);
        if (pending.readInt32LE(12) === OP_MSG) commands.push(...readOpMsg(pending.subarray(0, length)));
        pending = pending.subarray(length);
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the recorder has no TCP address');
  return {
    url: `mongodb://127.0.0.1:${address.port}/?directConnection=true`,
    commands,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The filters in one OP_MSG: the body (section 0) and document sequences (section 1, e.g. `updates`). */
function readOpMsg(message: Buffer): RecordedCommand[] {
  let offset = 20; // header (16) + flagBits (4)
  let body: Document | undefined;
  const sequences: Record<string, Document[]> = {};
  const end = message.readUInt32LE(16) & 1 ? message.length - 4 : message.length; // checksum present
  while (offset < end) {
    const kind = message[offset];
    offset += 1;
    if (kind === 0) {
      const size = message.readInt32LE(offset);
      body = BSON.deserialize(message.subarray(offset, offset + size));
      offset += size;
    } else {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      const nul = message.indexOf(0, offset + 4);
      const id = message.toString('utf8', offset + 4, nul);
      let at = nul + 1;
      const docs: Document[] = [];
      while (at < sectionEnd) {
        const docSize = message.readInt32LE(at);
        docs.push(BSON.deserialize(message.subarray(at, at + docSize)));
        at += docSize;
      }
      sequences[id] = docs;
      offset = sectionEnd;
    }
  }
  if (!body) return [];
  const command = Object.keys(body)[0] ?? '';
  if (!FILTERED.has(command)) return [];
  const collection = String(body[command]);
  switch (command) {
    case 'find':
      return [{ command, collection, filter: body.filter ?? {}, sort: body.sort }];
    case 'count':
    case 'distinct':
    case 'findAndModify':
      return [{ command, collection, filter: body.query ?? {}, sort: body.sort }];
    case 'aggregate': {
      const stages = (body.pipeline ?? []) as Document[];
      const match = stages[0]?.$match as Document | undefined;
      const sort = stages.find((s) => s.$sort)?.$sort as Document | undefined;
      return [{ command, collection, filter: match ?? {}, sort }];
    }
    case 'update':
      return (body.updates ?? sequences.updates ?? []).map((u: Document) => ({ command, collection, filter: u.q ?? {} }));
    case 'delete':
      return (body.deletes ?? sequences.deletes ?? []).map((d: Document) => ({ command, collection, filter: d.q ?? {} }));
  }
  return [];
}
