// The entry point of an analysis thread (piscina loads it; see message-analyzer.ts): one message at a time.
import { defaultIntentModel, IntentModel } from '../classify/index.ts';
import { isParleyError } from '../errors.ts';
import { analyzeMessage, type AnalysisAnswer, type AnalysisTask } from './message-analysis.ts';

const WARM_UP = [
  'From: Anna <anna@parley.invalid>\r\nSubject: Re: a question\r\nDate: Mon, 5 Jan 2026 10:00:00 +0000\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n\r\nThanks, I am interested, but not now. Can we talk next Tuesday? ' +
    'Our budget is set in March. Please talk to Priya (priya@parley.invalid) instead.\r\n\r\nBest,\r\nAnna\r\n\r\n' +
    'On Mon, 5 Jan 2026, Dana <dana@parley.invalid> wrote:\r\n> Hello\r\n',
  'From: Ben <ben@parley.invalid>\r\nSubject: Automatic reply: a question\r\nAuto-Submitted: auto-replied\r\n' +
    'Date: Mon, 5 Jan 2026 10:00:00 +0000\r\nContent-Type: text/html\r\n\r\n<div>I am out of the office until Monday ' +
    '12 January. For urgent matters contact Cara (cara@parley.invalid).</div><div class="gmail_quote">quoted</div>\r\n',
  'From: Mail Delivery System <MAILER-DAEMON@parley.invalid>\r\nSubject: Undelivered Mail Returned to Sender\r\n' +
    'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n--b\r\n' +
    'Content-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n--b\r\n' +
    'Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; parley.invalid\r\n\r\nFinal-Recipient: rfc822; gone@parley.invalid\r\n' +
    'Action: failed\r\nStatus: 5.1.1\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <step@parley.invalid>\r\n--b--\r\n',
];

// Warmed up as the thread starts, so a message's time budget is spent on the message: the model
// is trained, and a reply, an out-of-office and a bounce take the classifier's lazy paths once
// (the first analyses of a thread take hundreds of milliseconds, later ones a few).
defaultIntentModel();
for (const sample of WARM_UP) await analyzeMessage(Buffer.from(sample), undefined);

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
    return { ok: true, analyzed: await analyzeMessage(source, task.model ? cached?.model : undefined) };
  } catch (error) {
    if (isParleyError(error)) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}
