import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { objectionReason, type Objection } from './objection.ts';

describe('objectionReason', () => {
  it('names the reason of a no, in English, German, French and Spanish', () => {
    const cases: Array<[string, Objection]> = [
      ['We already use Outreach and have no plans to switch.', 'already_have_tool'],
      ['We are happy with our current provider.', 'already_have_tool'],
      ['Pass. We built something in-house for this.', 'already_have_tool'],
      ['Wir sind mit unserer aktuellen Lösung zufrieden.', 'already_have_tool'],
      ['Nous avons déjà un outil, merci.', 'already_have_tool'],
      ['Ya tenemos una herramienta para esto.', 'already_have_tool'],
      ['Too expensive for us.', 'too_expensive'],
      ['We cannot afford this.', 'too_expensive'],
      ['Zu teuer für uns.', 'too_expensive'],
      ["C'est trop cher.", 'too_expensive'],
      ['We do not need this.', 'no_need'],
      ['I will decline, we have no use for it.', 'no_need'],
      ['Kein Bedarf, danke.', 'no_need'],
      ['Merci, mais nous n’avons pas besoin de ça.', 'no_need'],
      ['No lo necesitamos.', 'no_need'],
      ['Thanks, but this is not a fit for us.', 'bad_fit'],
      ['We do not do outbound sales, so this is irrelevant.', 'bad_fit'],
      ['Nein danke, das passt nicht zu uns.', 'bad_fit'],
      ['No gracias, no es para nosotros.', 'bad_fit'],
    ];
    for (const [text, reason] of cases) assert.equal(objectionReason(text), reason, text);
  });

  it("is 'other' when no reason is given", () => {
    for (const text of ['No thanks.', 'Not interested.', 'Nope.', 'Kein Interesse.']) assert.equal(objectionReason(text), 'other', text);
  });
});
