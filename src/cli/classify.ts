import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { analyzeReply, extractVisibleText, type ReplyToClassify } from '../classify/index.ts';
import type { Qualification } from '../sequences/types.ts';
import { classifyEvalCommand } from './classify-eval.ts';

const QUALIFICATIONS = ['main_goal', 'team_size', 'timeline', 'budget', 'decision_maker'] as const satisfies readonly Qualification[];

interface ClassifyOptions {
  text?: string;
  asks?: Qualification;
}

/**
 * `parley classify <file.eml | ->`: what Parley concludes about one message, as JSON. Its
 * subcommands (`eval`, and those other modules add) measure and train the classifier.
 */
export function classifyCommand(): Command {
  return new Command('classify')
    .description('classify a reply: a whole message (.eml, or - for standard input) or, with --text, a bare reply text; prints JSON')
    .argument('[file]', 'an RFC 5322 message file, or - to read one from standard input')
    .option('--text <reply>', "a reply's own words instead of a message")
    .option('--asks <qualification>', `the question the answered step asked (${QUALIFICATIONS.join(', ')})`, parseAsks)
    .action(async (file: string | undefined, options: ClassifyOptions, command: Command) => {
      if ((file === undefined) === (options.text === undefined)) command.error('give either a message file (or -) or --text "<reply>"');
      const reply = options.text !== undefined ? bareReply(options.text) : await messageReply(file ?? '-');
      // Dates come out as ISO 8601 through Date#toJSON; absent fields as null, so every field shows.
      console.log(JSON.stringify(analyzeReply(reply, { asks: options.asks }), (_key, value: unknown) => value ?? null, 2));
    })
    .addCommand(classifyEvalCommand());
}

function parseAsks(value: string): Qualification {
  const asks = QUALIFICATIONS.find((q) => q === value);
  if (!asks) throw new InvalidArgumentError(`expected one of ${QUALIFICATIONS.join(', ')}`);
  return asks;
}

async function messageReply(file: string): Promise<ReplyToClassify> {
  const source = file === '-' ? await readStdin() : await readFile(file);
  // The MIME parser loads only for a message, not for --text.
  const { parseInboundMessage, toReplyToClassify } = await import('../inbound/inbound-message.ts');
  const message = await parseInboundMessage(source);
  return toReplyToClassify(message, extractVisibleText(message.text, message.html));
}

/** A person's answer in a thread, written now (so "back on Monday" counts from today). */
function bareReply(text: string): ReplyToClassify {
  return {
    subject: 'Re: (no subject)',
    visibleText: text.trim(),
    headers: {},
    fromAddress: '',
    contentType: 'text/plain',
    date: new Date(),
    fullText: text,
  };
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}
