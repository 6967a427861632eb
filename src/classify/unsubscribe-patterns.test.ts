import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { unsubscribeRule } from './rules.ts';
import type { ReplyToClassify } from './types.ts';

function reply(visibleText: string): ReplyToClassify {
  return { subject: 'Re: Quick question', visibleText, headers: {}, fromAddress: 'lead@example.com', contentType: 'text/plain' };
}

describe('the unsubscribe guard in seven languages', () => {
  it('knows opt-out wording in German, French, Spanish, Italian, Portuguese and Dutch', () => {
    for (const text of [
      'Bitte austragen.',
      'Können Sie mich bitte austragen?',
      'Ich möchte keine weiteren E-Mails von Ihnen erhalten.',
      'Löschen Sie bitte meine Daten.',
      'Schreiben Sie mir bitte nicht mehr.',
      'Désabonnez-moi.',
      'Merci de ne plus me contacter.',
      'Ne me contactez plus.',
      'Darme de baja, gracias.',
      'Dame de baja por favor',
      'Eliminen mis datos.',
      'No me contacten más.',
      'Cancellatemi dalla lista.',
      'Non scrivetemi più.',
      'Non voglio più ricevere queste comunicazioni.',
      'Por favor, descadastrar o meu email.',
      'Não me enviem mais mensagens.',
      'Graag uitschrijven.',
      'Verwijder mij uit jullie bestand.',
    ]) {
      assert.equal(unsubscribeRule(reply(text))?.intent, 'unsubscribe', text);
    }
  });

  it('leaves replies that only mention lists, removal or stopping to the model', () => {
    for (const text of [
      'Can you remove me from the invite and add Sam instead?',
      'Ich würde mich gerne für die Demo anmelden.',
      'Nous souhaitons ne plus dépendre de tableurs.',
      'Wir möchten die Daten aus dem alten CRM löschen, geht das?',
      'Please add my colleague to the list of attendees.',
      'Non vedo l’ora di provarlo.',
      'Não é o momento, mas quero saber mais em março.',
      'Graag meer informatie over de prijs.',
    ]) {
      assert.equal(unsubscribeRule(reply(text)), undefined, text);
    }
  });
});
