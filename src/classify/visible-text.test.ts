import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { extractVisibleText } from './index.ts';

describe('extractVisibleText', () => {
  it('drops a Gmail "On ... wrote:" header and the quoted lines under it', () => {
    const body = [
      'Sounds good, can you send over pricing?',
      '',
      'On Tue, Mar 4, 2025 at 10:12 AM Sam Rivera <sam@parley.dev> wrote:',
      '> Hi Anna,',
      '> Would you be open to a quick call next week?',
      '> Sam',
    ].join('\r\n');
    assert.equal(extractVisibleText(body, undefined), 'Sounds good, can you send over pricing?');
  });

  it('recognises a header that Gmail wrapped inside the address', () => {
    const body = 'Yes, Thursday works.\n\nOn Tue, Mar 4, 2025 at 10:12 AM Sam Rivera <\nsam@parley.dev> wrote:\n> Hi Anna,';
    assert.equal(extractVisibleText(body, undefined), 'Yes, Thursday works.');
  });

  it('drops an Outlook From/Sent block, with and without the sender address', () => {
    const withAddress = [
      'Not the right person, try Bob.',
      '',
      '________________________________',
      'From: Sam Rivera <sam@parley.dev>',
      'Sent: Tuesday, March 4, 2025 10:12 AM',
      'To: Anna Schmidt <anna@acme.com>',
      'Subject: Quick question',
      '',
      'Hi Anna, would you be open to a quick call?',
    ].join('\n');
    assert.equal(extractVisibleText(withAddress, undefined), 'Not the right person, try Bob.');

    const internal = 'Please call me.\n\nFrom: Sam Rivera\nSent: Tuesday, March 4, 2025 10:12 AM\nTo: Anna\n\nHi Anna,';
    assert.equal(extractVisibleText(internal, undefined), 'Please call me.');
  });

  it('handles German, French and Spanish reply headers', () => {
    const cases: Array<[string, string]> = [
      [
        'Kein Interesse, danke.\n\nAm Di., 4. März 2025 um 10:12 Uhr schrieb Sam Rivera <sam@parley.dev>:\n> Hallo Anna,',
        'Kein Interesse, danke.',
      ],
      [
        'Gerne, Dienstag passt.\n\nVon: Sam Rivera\nGesendet: Dienstag, 4. März 2025 10:12\nAn: Anna\nBetreff: Frage',
        'Gerne, Dienstag passt.',
      ],
      ['Pas pour le moment.\n\nLe mar. 4 mars 2025 à 10:12, Sam Rivera <sam@parley.dev> a écrit :\n> Bonjour,', 'Pas pour le moment.'],
      ['Sí, me interesa.\n\nEl mar, 4 mar 2025 a las 10:12, Sam Rivera (<sam@parley.dev>) escribió:\n> Hola Ana,', 'Sí, me interesa.'],
    ];
    for (const [body, expected] of cases) assert.equal(extractVisibleText(body, undefined), expected);
  });

  it('cuts a Japanese Gmail header, also when Gmail wrapped it, and Japanese Apple Mail', () => {
    const quote = '> 田中様\n> 来週お時間ありますか。';
    assert.equal(
      extractVisibleText(`はい、ぜひ。\n\n2026年3月2日(月) 9:00 Dana Kim <dana@parley.dev>:\n\n${quote}`, undefined),
      'はい、ぜひ。',
    );
    assert.equal(
      extractVisibleText(`はい、ぜひ。\n\n2026年3月2日(月) 9:00 Dana Kim <\ndana@parley.dev>:\n${quote}`, undefined),
      'はい、ぜひ。',
    );
    assert.equal(extractVisibleText(`はい。\n\n2026/03/02 9:00、Dana Kim <dana@parley.dev>のメッセージ:\n${quote}`, undefined), 'はい。');
    // A date in the reply's own words is not a header.
    assert.equal(
      extractVisibleText('2026年3月10日に戻ります。よろしくお願いします。', undefined),
      '2026年3月10日に戻ります。よろしくお願いします。',
    );
  });

  it('cuts Outlook headers in German, French and Spanish, and "-----Original Message-----"', () => {
    const cases: Array<[string, string]> = [
      ['Ja.\n\nVon: Sam Rivera <sam@parley.dev>\nGesendet: Dienstag, 3. März 2026 10:12\nAn: Anna\nBetreff: Frage\n\nHallo', 'Ja.'],
      ['Oui.\n\nDe : Sam Rivera <sam@parley.dev>\nEnvoyé : mardi 3 mars 2026 10:12\nÀ : Claire\nObjet : Question\n\nBonjour', 'Oui.'],
      ['Sí.\n\nDe: Sam Rivera <sam@parley.dev>\nEnviado: martes, 3 de marzo de 2026 10:12\nPara: Lucía\nAsunto: Pregunta\n\nHola', 'Sí.'],
      ['Sure.\n\n-----Original Message-----\nFrom: Sam Rivera [mailto:sam@parley.dev]\nSent: Tuesday\n\nhello', 'Sure.'],
      ['Sure.\n\n-----Ursprüngliche Nachricht-----\nVon: Sam\n\nhallo', 'Sure.'],
    ];
    for (const [body, expected] of cases) assert.equal(extractVisibleText(body, undefined), expected, body);
    // "From:" inside a sentence, or without a Sent/Date line, is the reply's own text.
    const own = 'From: my side, yes.\nWe can talk Thursday.';
    assert.equal(extractVisibleText(own, undefined), own);
  });

  it('cuts Outlook header blocks and "original message" lines in Nordic, Polish, Portuguese, Russian and Chinese clients', () => {
    const cases: Array<[string, string]> = [
      ['Det lyder godt.', 'Fra: Sam Rivera <sam@parley.dev>\nSendt: 4. marts 2026 10:12\nTil: Anna\nEmne: Hurtigt spørgsmål'],
      ['Låter bra.', 'Från: Sam Rivera\nSkickat: den 4 mars 2026 10:12\nTill: Anna\nÄmne: Snabb fråga'],
      ['Brzmi dobrze.', 'Od: Sam Rivera <sam@parley.dev>\nWysłano: wtorek, 4 marca 2026 10:12\nDo: Anna'],
      ['Parece bom.', 'De: Sam Rivera\nEnviada em: terça-feira, 4 de março de 2026 10:12\nPara: Anna'],
      ['Звучит хорошо.', 'От: Sam Rivera <sam@parley.dev>\nОтправлено: 4 марта 2026 г. 10:12\nКому: Anna'],
      ['好的，周二聊。', '发件人：Sam Rivera <sam@parley.dev>\n发送时间：2026年3月4日 10:12\n收件人：Anna'],
      ['Det lyder godt.', '-----Oprindelig meddelelse-----\nFra: Sam'],
      ['Sounds good.', '-----Reply Message-----\nFrom: Sam'],
    ];
    for (const [reply, header] of cases) {
      assert.equal(extractVisibleText(`${reply}\n\n${header}\n\nHallo Anna, ...`, undefined), reply, header);
    }
  });

  it('cuts attributions that put the address before the verb, and ISO-dated ones', () => {
    const cases: Array<[string, string]> = [
      ['Klingt gut.', 'Sam Rivera <sam@parley.dev> schrieb am Mi., 4. März 2026, 10:12:'],
      ['Det låter bra.', 'Den 4 mars 2026 kl. 10:12 skrev Sam Rivera <sam@parley.dev>:'],
      ['Brzmi dobrze.', 'W dniu 4.03.2026 o 10:12, Sam Rivera <sam@parley.dev> napisał(a):'],
      ['Хорошо.', '4 марта 2026 г., в 10:12, Sam Rivera <sam@parley.dev> написал:'],
      ['Хорошо.', '04.03.2026 10:12 пользователь "sam@parley.dev" <\nsam@parley.dev> написал:'],
      ['Được.', 'Vào 10:12 Th 4, 4 thg 3, 2026 Sam Rivera <sam@parley.dev> đã viết:'],
      ['Klinkt goed.', 'Op wo 4 mrt. 2026 om 10:12 schreef Sam Rivera <sam@parley.dev>:'],
      ['Sounds good.', '2026-03-04 10:12 GMT+01:00 Sam Rivera <sam@parley.dev>:'],
    ];
    for (const [reply, attribution] of cases) {
      assert.equal(extractVisibleText(`${reply}\n\n${attribution}\n> Hi Anna,\n> a question`, undefined), reply, attribution);
    }
  });

  it('keeps a sentence of the reply that names an address and ends in a colon', () => {
    const text = 'My colleague Priya <priya@lead.example> wrote up what we need:\n1. Reporting\n2. A Salesforce sync';
    assert.equal(extractVisibleText(text, undefined), text);
  });

  it('drops a dash signature and a mailing list footer', () => {
    assert.equal(extractVisibleText('Yes, Tuesday works for us.\n\n-Anna', undefined), 'Yes, Tuesday works for us.');
    assert.equal(extractVisibleText('Yes, Tuesday works.\n— Anna Berg', undefined), 'Yes, Tuesday works.');
    assert.equal(extractVisibleText('We grew 20% - Acme', undefined), 'We grew 20% - Acme', 'a dash inside the last line is not one');
    const list = 'What we need:\n- Reporting\n- Salesforce Sync';
    assert.equal(extractVisibleText(list, undefined), list, 'the last item of a list is no signature');
    const footer =
      'Count me in.\n\n--\nYou received this message because you are subscribed to the Google Groups "sales" group.\nTo unsubscribe from this group and stop receiving emails from it, send an email to sales+unsubscribe@groups.example.';
    assert.equal(extractVisibleText(footer, undefined), 'Count me in.');
    const mailman = 'Count me in.\n\n_______________________________________________\nSales mailing list\nsales@lists.example';
    assert.equal(extractVisibleText(mailman, undefined), 'Count me in.');
  });

  it('keeps a line of the reply that starts like a phone signature but goes on', () => {
    const text = 'Sent from my desk, since I am not travelling this week: yes, Tuesday works.';
    assert.equal(extractVisibleText(text, undefined), text);
  });

  it('cuts forwarded blocks (Gmail, Thunderbird, Apple Mail)', () => {
    for (const marker of [
      '---------- Forwarded message ---------',
      '-------- Forwarded Message --------',
      'Begin forwarded message:',
      '---------- Weitergeleitete Nachricht ---------',
    ]) {
      assert.equal(
        extractVisibleText(`Looping in Priya.\n\n${marker}\nFrom: Sam Rivera <sam@parley.dev>\n\nHi Anna`, undefined),
        'Looping in Priya.',
        marker,
      );
    }
  });

  it('cuts mobile signatures in several languages, with what follows them', () => {
    for (const signature of [
      'Sent from my iPhone',
      'Von meinem iPhone gesendet',
      'Envoyé de mon iPad',
      'Enviado desde mi Android',
      'Get Outlook for iOS',
      'iPhoneから送信',
    ]) {
      assert.equal(
        extractVisibleText(`Yes, Friday.\n\n${signature}\n\n> On Mar 3, 2026, at 10:12, Sam wrote:\n> hi`, undefined),
        'Yes, Friday.',
        signature,
      );
    }
    assert.equal(extractVisibleText('I sent from my iPhone a note earlier.', undefined), 'I sent from my iPhone a note earlier.');
  });

  it('drops a sign-off with a name and title block, in German too', () => {
    assert.equal(
      extractVisibleText('Sure, Thursday.\n\nBest,\nAnna Schmidt\nHead of Ops | Acme\n+1 555 0100', undefined),
      'Sure, Thursday.',
    );
    assert.equal(extractVisibleText('Gerne.\n\nMit freundlichen Grüßen\nAnna Becker\nLeiterin Vertrieb', undefined), 'Gerne.');
    // A "Thanks," followed by a real sentence is not a signature.
    assert.equal(extractVisibleText('Yes.\n\nThanks,\nAnna. Can we also invite Bob? He runs the team.', undefined).includes('Bob'), true);
  });

  it('removes a "--" signature block and a trailing sign-off with the name', () => {
    const signature = 'Happy to chat. Thursday works.\n\n-- \nAnna Schmidt\nHead of Ops, Acme GmbH\n+49 30 1234567';
    assert.equal(extractVisibleText(signature, undefined), 'Happy to chat. Thursday works.');
    assert.equal(extractVisibleText('Yes, let us talk.\n\nThanks,\nAnna', undefined), 'Yes, let us talk.');
    assert.equal(extractVisibleText('Interested!\n\nSent from my iPhone', undefined), 'Interested!');
  });

  it('keeps a reply that is only a thank-you, and keeps sign-off words inside sentences', () => {
    assert.equal(extractVisibleText('Thanks!', undefined), 'Thanks!');
    assert.equal(extractVisibleText('Thanks, but we will pass.', undefined), 'Thanks, but we will pass.');
  });

  it('converts an HTML-only reply to text, dropping link targets and the quoted part', () => {
    const html =
      '<div dir="ltr">Hi Sam,<div><br></div><div>Yes, let&#39;s talk &amp; see. Send <b>pricing</b> for ' +
      '<a href="https://example.com/team">our team</a>?</div></div><br>' +
      '<div class="gmail_quote"><div class="gmail_attr">On Tue, Mar 4, 2025 at 10:12 AM Sam Rivera ' +
      '&lt;<a href="mailto:sam@parley.dev">sam@parley.dev</a>&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote">Hi Anna,<br>Would you be open to a quick call?</blockquote></div>';
    assert.equal(extractVisibleText(undefined, html), "Hi Sam,\n\nYes, let's talk & see. Send pricing for our team?");
  });

  it('cuts Outlook, Apple Mail and Thunderbird quote containers and marked signatures in HTML-only replies', () => {
    const outlook =
      '<div>Not right now, maybe in Q3.</div><div id="Signature">Dana Whitfield<br>VP Revenue</div><div id="appendonsend"></div>' +
      '<hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>From:</b> Sam Rivera<br><b>Sent:</b> Tuesday</div><div>Hi Dana, would you be open to a call?</div>';
    assert.equal(extractVisibleText(undefined, outlook), 'Not right now, maybe in Q3.');
    const apple =
      '<div>Keen to see a demo.</div><br><div><blockquote type="cite"><div>On 3 Mar 2026, at 10:12, Sam &lt;sam@parley.dev&gt; wrote:</div><div>Hi Tom</div></blockquote></div>';
    assert.equal(extractVisibleText(undefined, apple), 'Keen to see a demo.');
    const thunderbird =
      '<p>Not for us.</p><div class="moz-cite-prefix">On 3/3/26 10:12, Sam Rivera wrote:<br></div><blockquote type="cite">Hi Mark</blockquote>';
    assert.equal(extractVisibleText(undefined, thunderbird), 'Not for us.');
    const desktop =
      '<p class="MsoNormal">Yes, Tuesday.</p><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p><b>From:</b> Sam</p></div><p>Hi</p>';
    assert.equal(extractVisibleText(undefined, desktop), 'Yes, Tuesday.');
    // Other clients' blockquotes become "> " lines, which are quotes to the parser.
    assert.equal(extractVisibleText(undefined, '<p>Yes.</p><blockquote class="protonmail_quote">Sam wrote: Hi Anna</blockquote>'), 'Yes.');
  });

  it('prefers the text part and falls back to HTML when the text part is blank', () => {
    assert.equal(extractVisibleText('Plain words', '<p>HTML words</p>'), 'Plain words');
    assert.equal(extractVisibleText(' \n ', '<p>HTML words</p>'), 'HTML words');
  });

  it('returns an empty string when there is nothing, and collapses runs of blank lines', () => {
    assert.equal(extractVisibleText(undefined, undefined), '');
    assert.equal(extractVisibleText('', ''), '');
    assert.equal(extractVisibleText('  Yes.\n\n\n\n\nLet us talk.  \n', undefined), 'Yes.\n\nLet us talk.');
  });

  it('stays fast on one huge line that looks like a reply header', () => {
    // Without the input cap the parser's header regex takes ~20 s on this.
    const started = performance.now();
    extractVisibleText(`On ${'x '.repeat(100_000)}`, undefined);
    assert.ok(performance.now() - started < 1500, 'extractVisibleText took over 1.5 s');
  });
});

describe('extractVisibleText in more clients and languages', () => {
  const quote = '> Hi Lena,\n> would a short call next week work for you?';

  it('cuts attributions that end in the address, whatever precedes it (mail.ru, Russian Gmail, Swedish Gmail)', () => {
    const cases: Array<[string, string]> = [
      ['Да, давайте.', 'Ср, 4 мар 2026 10:12 +03:00 от Sam Rivera <sam@parley.dev>:'],
      ['Да, давайте.', 'чт, 5 мар. 2026 г. в 10:12, Sam Rivera <sam@parley.dev>:'],
      ['Gärna, tisdag.', 'tis 3 mars 2026 kl 10:12 skrev Sam Rivera <sam@parley.dev>:'],
      ['Yes, Tuesday.', 'On Wednesday, March 4, 2026 at 10:12:00 AM Central European Standard Time, Sam\nRivera <sam@parley.dev>:'],
    ];
    for (const [reply, attribution] of cases) {
      assert.equal(extractVisibleText(`${reply}\n\n${attribution}\n${quote}`, undefined), reply, attribution);
    }
  });

  it('cuts attributions without an address that end in a verb of writing, when quoted lines follow', () => {
    const cases: Array<[string, string]> = [
      ['Хорошо, созвонимся.', '04.03.2026 10:12, Sam Rivera пишет:'],
      ['好的，下周二。', 'Sam Rivera 于2026年3月4日周三 上午10:12写道：'],
      ['Gerne.', 'Am Mittwoch, 4. März 2026, 10:12:00 MEZ hat Sam Rivera Folgendes geschrieben:'],
      ['Dobrze.', '4.03.2026 o 10:12 Sam Rivera pisze:'],
      ['Kyllä.', '4.3.2026 klo 10.12 Sam Rivera kirjoitti:'],
    ];
    for (const [reply, attribution] of cases) {
      assert.equal(extractVisibleText(`${reply}\n\n${attribution}\n${quote}`, undefined), reply, attribution);
    }
    // Without quoted lines below, such a line is the reply's own.
    const own = 'Here is what my manager wrote:\nBudget is frozen until June.';
    assert.equal(extractVisibleText(own, undefined), own);
    // Nor without a date or time: a reply may quote what it answers.
    const answered = 'Thanks.\n\nAs my colleague wrote:\n> we need SSO\n\nSo yes, we are interested.';
    assert.equal(extractVisibleText(answered, undefined), 'Thanks.\n\nAs my colleague wrote:\nSo yes, we are interested.');
  });

  it('cuts a Gmail attribution wrapped before the address', () => {
    const body = `Perfect, see you then.\n\nOn Wed, Mar 4, 2026 at 10:12 AM, Sam Rivera\n<sam@parley.dev>wrote:\n\n${quote}`;
    assert.equal(extractVisibleText(body, undefined), 'Perfect, see you then.');
  });

  it('cuts header blocks in any order: Hotmail (Date first), Lotus Notes (with Cc), Zimbra', () => {
    const cases: Array<[string, string]> = [
      [
        'Not this quarter.',
        '----------------------------------------\nDate: Wed, 4 Mar 2026 10:12:45 +0100\nSubject: Quick question\nFrom: sam@parley.dev\nTo: lena@example.org',
      ],
      [
        'Please talk to Jonas.',
        'From:\tSam Rivera <sam@parley.dev>\nTo:\tLena Park/Sales/Example@Example\nCc:\tJonas Weber/Sales/Example@Example\nDate:\t04.03.2026 10:12\nSubject:\tQuick question',
      ],
      [
        'Ja, gerne.',
        'Von: "Sam Rivera" <sam@parley.dev>\nAn: "Lena Park" <lena@example.org>\nGesendet: Mittwoch, 4. März 2026 10:12:45\nBetreff: Kurze Frage',
      ],
    ];
    for (const [reply, header] of cases) {
      assert.equal(extractVisibleText(`${reply}\n\n${header}\n\nHi Lena, would a call work?`, undefined), reply, header);
    }
    // Header-like lines of the reply's own, without both a sender and a subject among them, stay.
    for (const own of [
      'Here are the details:\nDate: Thursday\nTo: the whole team\nSubject: onboarding',
      'Works for me:\nFrom: 10:00\nTo: 11:00\nDate: Thursday, March 5',
    ])
      assert.equal(extractVisibleText(own, undefined), own);
  });

  it('keeps answers written between the quoted lines, and below a quote with nothing above it', () => {
    const between = [
      'Hi Sam,',
      '',
      'On Wed, Mar 4, 2026 at 10:12 AM Sam Rivera <sam@parley.dev> wrote:',
      '> How many people are on your team?',
      '',
      'About forty.',
      '',
      '> Would Tuesday work for a call?',
      '',
      'Thursday is better.',
      '',
      '> Best, Sam',
    ].join('\n');
    assert.equal(extractVisibleText(between, undefined), 'Hi Sam,\n\nAbout forty.\n\nThursday is better.');
    const below =
      'On Wed, Mar 4, 2026 at 10:12 AM Sam Rivera <sam@parley.dev> wrote:\n> Would Tuesday work?\n\nYes, Tuesday at 3.\n\n-- \nLena';
    assert.equal(extractVisibleText(below, undefined), 'Yes, Tuesday at 3.');
    // A reply above the quote with a footer below it: the footer is no answer.
    const above = `Yes please.\n\nOn Wed, Mar 4, 2026 at 10:12 AM Sam Rivera <sam@parley.dev> wrote:\n${quote}\n\nACME GmbH, Berlin`;
    assert.equal(extractVisibleText(above, undefined), 'Yes please.');
  });

  it('keeps a line that starts like a phone signature but goes on, after other lines', () => {
    const text = 'Yes, Tuesday works.\n\nSent from my desk, since I am not travelling this week.';
    assert.equal(extractVisibleText(text, undefined), text);
    assert.equal(extractVisibleText('Yes, Tuesday works.\n\nSent from Samsung Mobile', undefined), 'Yes, Tuesday works.');
  });

  it('cuts phone signatures in Swedish, Dutch, Polish, Portuguese, Russian and Chinese', () => {
    for (const signature of [
      'Skickat från min iPhone',
      'Verstuurd vanaf mijn iPhone',
      "Wysłane z iPhone'a",
      'Enviado do meu iPhone',
      'Отправлено с iPhone',
      '发自我的iPhone',
    ]) {
      assert.equal(extractVisibleText(`Ok.\n\n${signature}\n\nSam Rivera wrote on the 4th: hi`, undefined), 'Ok.', signature);
    }
  });

  it('cuts an HTML-only Hotmail reply at its stopSpelling rule', () => {
    const html =
      '<div dir="ltr">Maybe in May.<br><br><div><hr id="stopSpelling">Date: Wed, 4 Mar 2026 10:12:45 +0100<br>' +
      'Subject: Quick question<br>From: sam@parley.dev<br><br><div>Hi Lena, would a call work?</div></div></div>';
    assert.equal(extractVisibleText(undefined, html), 'Maybe in May.');
  });

  it('cuts Gmail in Chinese and Korean, Apple Mail in Dutch and Polish, and Yahoo in German when the address holds the verb', () => {
    const cases: Array<[string, string]> = [
      ['好的。', 'Sam Rivera <sam@parley.dev> 于2026年3月4日周三 10:12写道：'],
      ['네, 좋습니다.', '2026년 3월 4일 (수) 오전 10:12, Sam Rivera <sam@parley.dev>님이 작성:'],
      ['Prima.', 'Op 4 mrt. 2026 om 10:12 heeft Sam Rivera <sam@parley.dev> het volgende geschreven:'],
      ['Dobrze.', 'Wiadomość napisana przez Sam Rivera <sam@parley.dev> w dniu 04.03.2026, o godz. 10:12:'],
      ['Ok.', 'Am Mittwoch, 4. März 2026, 10:12:45 MEZ hat Sam Rivera <sam@parley.dev> Folgendes geschrieben:'],
    ];
    for (const [reply, attribution] of cases) {
      assert.equal(extractVisibleText(`${reply}\n\n${attribution}\n\n${quote}`, undefined), reply, attribution);
    }
  });

  it("cuts Lotus Notes' attributions, Zimbra's localized original-message lines and Outlook mobile's line in German", () => {
    const cases: Array<[string, string]> = [
      ['Ja.', 'Sam Rivera <sam@parley.dev> schrieb am 04.03.2026 10:12:00:\n\nHallo Lena,\nhaben Sie Zeit?'],
      ['Yes.', '-----"Sam Rivera" <sam@parley.dev> wrote: -----\nTo: Lena Park\nDate: 03/04/2026 10:12 AM\n\nHi Lena'],
      ['Ja.', '----- Ursprüngliche Mail -----\nVon: "Sam Rivera" <sam@parley.dev>\n\nHallo Lena'],
      ['Oui.', '----- Mail original -----\nDe: "Sam Rivera" <sam@parley.dev>\n\nBonjour Lena'],
      ['Ja.', 'Holen Sie sich Outlook für Android\n________________________________\nVon: Sam\nHallo'],
    ];
    for (const [reply, history] of cases) assert.equal(extractVisibleText(`${reply}\n\n${history}`, undefined), reply, history);
    const own = 'Our CEO wrote on 03/04/2026: we are hiring.\nThat is why I am asking.';
    assert.equal(extractVisibleText(own, undefined), own);
  });

  it("cuts Yahoo's prefixed quote class and Zimbra's rule in HTML-only replies", () => {
    const yahoo =
      '<div>Sure.</div><div id="ydp12ab34cdyahoo_quoted_0123" class="ydp12ab34cdyahoo_quoted"><div>On Wednesday, Sam wrote:</div><div>Hi</div></div>';
    assert.equal(extractVisibleText(undefined, yahoo), 'Sure.');
    const zimbra = '<div>Sure.</div><hr id="zwchr"><div><b>From: </b>Sam<br><b>Sent: </b>Wed</div><div>Hi</div>';
    assert.equal(extractVisibleText(undefined, zimbra), 'Sure.');
  });

  it('drops sign-offs in Dutch, Danish, Swedish, Polish, Portuguese, Italian, Russian and Chinese, not a sentence that goes on', () => {
    const cases: Array<[string, string]> = [
      ['Ja, graag.', 'Met vriendelijke groet,\nEva de Vries\nInkoop'],
      ['Ja tak.', 'Med venlig hilsen\nMette Holm'],
      ['Ja, gärna.', 'Vänliga hälsningar\nKarin Lund'],
      ['Tak, jesteśmy zainteresowani.', 'Pozdrawiam\nPiotr Nowak'],
      ['Sim, claro.', 'Atenciosamente,\nAna Souza'],
      ['Sì, volentieri.', 'Cordiali saluti\nMarco Bianchi'],
      ['Да, интересно.', 'С уважением,\nОльга Смирнова'],
      ['好的，周二可以。', '谢谢\n王伟'],
    ];
    for (const [reply, signOff] of cases) assert.equal(extractVisibleText(`${reply}\n\n${signOff}`, undefined), reply, signOff);
    assert.equal(extractVisibleText('Sure.\n\nThanks\nfor the reminder.', undefined), 'Sure.\n\nThanks\nfor the reminder.');
  });
});
