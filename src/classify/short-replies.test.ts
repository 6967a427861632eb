import { describe, expect, it } from 'vitest';
import { shortReplyIntent } from './short-replies.ts';

describe('short replies', () => {
  it('reads a bare yes or no in English, German, French and Spanish', () => {
    for (const text of ['yes pls', 'Yes please!', "I'm in.", 'Sure 👍', 'Ja, gerne', 'Oui merci', 'Sí, por favor', 'Count me in!']) {
      expect(shortReplyIntent(text)?.intent, text).toBe('interested');
    }
    for (const text of ['no', 'No.', 'Nope', 'No thanks', 'not interested', 'Nein danke', 'Non merci', 'No gracias', 'Kein Interesse.']) {
      expect(shortReplyIntent(text)?.intent, text).toBe('not_interested');
    }
    expect(shortReplyIntent('no thanks')?.explanation).toBe('rule not_interested: short reply "no thanks"');
  });

  it('reads a bare yes or no in Italian, Portuguese and Dutch, and with thanks or a greeting around it', () => {
    for (const text of [
      'klingt gut',
      'Sì, grazie!',
      'Sim, tenho interesse.',
      'Ja graag',
      'Claro que sí',
      "D'accord, merci !",
      'Gerne, danke!',
      'Hi, yes please',
    ]) {
      expect(shortReplyIntent(text)?.intent, text).toBe('interested');
    }
    for (const text of [
      'non merci',
      'No grazie',
      'Não, obrigado.',
      'Nee bedankt',
      'No thanks, cheers',
      'Kein Bedarf, danke.',
      'Pas besoin, merci.',
      'No need, thanks',
    ]) {
      expect(shortReplyIntent(text)?.intent, text).toBe('not_interested');
    }
  });

  it('takes a yes followed by a short question about going on', () => {
    expect(shortReplyIntent("I'm in. What are the next steps?")?.intent).toBe('interested');
    expect(shortReplyIntent('Yes! When can we start?')?.intent).toBe('interested');
  });

  it('leaves anything that says more to the model', () => {
    for (const text of [
      'No, but ask me again in March.',
      'Yes, but not before the summer.',
      'No problem, talk on Tuesday.',
      'Yes. But what does it cost and who else uses it and how long does the setup take?',
      'Sure. But we already use a tool for this?',
      'No. What does it cost?',
      'Not now.',
      'Yes we are interested but the budget is gone for this year, so please come back in the new year.',
    ]) {
      expect(shortReplyIntent(text), text).toBeUndefined();
    }
  });
});
