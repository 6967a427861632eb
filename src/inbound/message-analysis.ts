import type { MessagePort } from 'node:worker_threads';
import type { SenderAuthentication } from '../db/index.ts';
import type { ErrorCode } from '../errors.ts';
import { readAuthenticationResults } from './authentication-results.ts';
import { analyzeReply, extractVisibleText, type IntentModel, type ReplyAnalysis } from '../classify/index.ts';
import { parseInboundMessage, toReplyToClassify, type InboundMessage } from './inbound-message.ts';
import { domainOf } from './sender-trust.ts';

/** What the CPU-heavy first look at a message finds, before anything is read from the database. */
export interface AnalyzedMessage {
  message: InboundMessage;
  /** The reply's own words: quoted history and signature removed. */
  visibleText: string;
  /** Without the step's question: the enrollment is not known yet (src/classify answerQuestion adds it). */
  analysis: ReplyAnalysis;
  /** The receiving server's verdict, from the Authentication-Results headers of the trusted authserv-ids. */
  authentication: SenderAuthentication;
}

/** The intent model trained from reps' corrections, as the worker holds it: the object, and the string it was read from. */
export interface TrainedIntentModel {
  model: IntentModel;
  version: string;
  /** IntentModel.toJSON(): what an analysis thread reads the model from. */
  json: string;
}

/**
 * Parses a raw message, extracts its visible text and classifies it. Everything here is CPU work
 * with no I/O: the part of handling a reply that hostile mail can make slow, and the part the
 * worker runs on analysis threads (message-analyzer.ts).
 */
export async function analyzeMessage(
  source: Buffer,
  model: IntentModel | undefined,
  trustedAuthservIds: readonly string[] = [],
): Promise<AnalyzedMessage> {
  const message = await parseInboundMessage(source);
  const visibleText = extractVisibleText(message.text, message.html);
  const analysis = analyzeReply(toReplyToClassify(message, visibleText), { ...(model && { model }) });
  // Here too, not on the event loop: 16 headers of 8,192 characters take mailauth's parser 50-130 ms.
  const authentication = readAuthenticationResults(message.authenticationResults, {
    trustedIds: trustedAuthservIds,
    fromDomain: domainOf(message.from),
  });
  return { message, visibleText, analysis, authentication };
}

/** One message for an analysis thread (analysis-thread.ts). */
export interface AnalysisTask {
  source: Uint8Array;
  /** The trained model to use, by version; the built-in model when absent. */
  model: { version: string; json: string } | undefined;
  /** Authentication-Results authserv-ids to trust (AUTHSERV_ID). */
  trustedAuthservIds: readonly string[];
  /** Told "started" when the thread begins the message: the time budget counts from then, not from the queue. */
  started: MessagePort;
}

/** A thread's answer: what it found, or an expected failure (a malformed message) as a value, since errors lose their code crossing threads. */
export type AnalysisAnswer = { ok: true; analyzed: AnalyzedMessage } | { ok: false; code: ErrorCode; message: string };
