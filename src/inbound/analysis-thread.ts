// The entry point of an analysis thread (piscina loads it; see message-analyzer.ts): one message at a time.
import { dateNamedInReply, defaultIntentModel, IntentModel, outOfOfficeReturnDate } from '../classify/index.ts';
import { isParleyError } from '../errors.ts';
import { analyzeMessage, type AnalysisAnswer, type AnalysisTask } from './message-analysis.ts';

/** A reply with a date, a question, a referral, a sign-off and a quote: the classifier's usual paths. */
const WARM_UP =
  'From: Anna <anna@parley.invalid>\r\nSubject: Re: a question\r\nDate: Mon, 5 Jan 2026 10:00:00 +0000\r\n' +
  'Content-Type: text/plain; charset=utf-8\r\n\r\nThanks, I am interested, but not now. Can we talk next Tuesday? ' +
  'Our budget is set in March. Please talk to Priya (priya@parley.invalid) instead.\r\n\r\nBest,\r\nAnna\r\n\r\n' +
  'On Mon, 5 Jan 2026, Dana <dana@parley.invalid> wrote:\r\n> Hello\r\n';

// Warmed up as the thread starts, so a message's time budget is spent on the message: the model is
// trained and a reply takes the classifier's lazy paths once (a thread's first analysis takes
// hundreds of milliseconds, later ones a few).
defaultIntentModel();
await analyzeMessage(Buffer.from(WARM_UP), undefined);
// chrono builds its patterns on first use (about a second for the four languages).
dateNamedInReply('Try me after the 15th, in Q2 or next month.', new Date());
outOfOfficeReturnDate('Back on Monday.', new Date());

/** The last trained model this thread read: models change rarely, messages often. */
let cached: { version: string; model: IntentModel } | undefined;

export default async function analyzeInThread(task: AnalysisTask): Promise<AnalysisAnswer> {
  task.started.postMessage('started');
  task.started.close();
  try {
    if (task.model && cached?.version !== task.model.version) {
      cached = { version: task.model.version, model: IntentModel.fromJSON(task.model.json) };
    }
    const source = Buffer.from(task.source.buffer, task.source.byteOffset, task.source.byteLength);
    return { ok: true, analyzed: await analyzeMessage(source, task.model ? cached?.model : undefined, task.trustedAuthservIds) };
  } catch (error) {
    if (isParleyError(error)) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}
