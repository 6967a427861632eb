import type { Classification, Intent } from './types.ts';

// Whole replies of a few words whose meaning is not in doubt ("yes pls", "no thanks", "Ich bin
// dabei"). The model leaves most of them unclear: a word or two gives its Bayes scores little to
// go on. Matched against the whole reply (or, for a yes, its first sentence when only a short
// question follows), never against a phrase inside longer text: "no, but ask me in March" is no "no".

/** Agreement: the person wants to go on. EN, DE, FR, ES, IT, PT, NL. */
const YES_PHRASES = [
  ...['yes', 'yes please', 'yes pls', 'yes plz', 'yep', 'yeah', 'yup', 'sure', 'sure thing', 'absolutely', 'definitely', 'of course'],
  ...["i'?m in", 'i am in', 'count me in', 'sounds good', 'sounds great', 'that sounds good', 'interested', 'very interested'],
  ...["i'?m interested", 'i am interested', 'tell me more', 'send it over', 'please send it', "let'?s do it", "let'?s go", 'go ahead'],
  ...['ja', 'ja bitte', 'ja gerne', 'ja gern', 'gerne', 'gern', 'sehr gerne', 'klingt gut', 'klingt spannend', 'klingt interessant'],
  ...['ich bin dabei', 'bin dabei', 'wir sind dabei', 'auf jeden fall', 'ja klar', 'klar', 'einverstanden', 'ja interessiert'],
  ...['oui', 'oui merci', 'oui volontiers', 'volontiers', 'avec plaisir', "ça m'intéresse", "ca m'interesse", 'je suis partant'],
  ...['je suis partante', 'oui bien sûr', 'bien sûr', "d'accord", 'ça marche', 'intéressé', 'intéressée', 'très intéressé'],
  ...['sí', 'si', 'sí por favor', 'si por favor', 'claro', 'claro que sí', 'me interesa', 'nos interesa', 'cuenta conmigo'],
  ...['suena bien', 'me parece bien', 'por supuesto', 'vale', 'sí claro', 'sí me interesa', 'adelante'],
  ...['sì', 'sì grazie', 'certo', 'certamente', 'volentieri', 'mi interessa', 'ci interessa', 'va bene'],
  ...['sim', 'sim obrigado', 'sim obrigada', 'claro que sim', 'tenho interesse', 'temos interesse', 'com certeza'],
  ...['ja graag', 'graag', 'klinkt goed', 'prima', 'zeker', 'interesse'],
];

/** Refusal: the person does not want it (not "later", which is not_now). EN, DE, FR, ES, IT, PT, NL. */
const NO_PHRASES = [
  ...['no', 'nope', 'nah', 'no thanks', 'no thank you', 'no thx', 'no ty', 'not interested', 'not for us', "we'?re good"],
  ...['we are good', "i'?ll pass", "we'?ll pass", 'pass', "we'?re not interested", 'no need', 'not needed', 'no interest'],
  ...['nein', 'nö', 'nein danke', 'kein interesse', 'kein bedarf', 'nicht interessiert', 'nicht interessant', 'kein thema'],
  ...['non', 'non merci', 'pas intéressé', 'pas intéressée', 'pas intéressés', 'pas intéressant', 'pas pour nous'],
  ...["ça ne m'intéresse pas", 'ça ne nous intéresse pas', "pas d'intérêt", 'pas besoin', 'sans intérêt'],
  ...['no gracias', 'no me interesa', 'no nos interesa', 'no estamos interesados', 'no es para nosotros', 'no lo necesitamos'],
  ...['no grazie', 'non mi interessa', 'non ci interessa', 'non interessato', 'non interessati'],
  ...['não', 'não obrigado', 'não obrigada', 'não tenho interesse', 'não temos interesse', 'sem interesse'],
  ...['nee', 'nee bedankt', 'geen interesse', 'niet geïnteresseerd', 'nee dank je'],
];

/** Thanks or a greeting around a short yes or no ("No thanks, we're good", "Gerne, danke!") changes nothing. */
const POLITE = String.raw`(?:(?:thanks|thank you|thx|ty|cheers|danke|danke schön|vielen dank|merci|merci beaucoup|gracias|muchas gracias|grazie|obrigad[oa]|bedankt|dank je|sorry|hi|hello|hallo|bonjour|hola|ciao|olá)\s*)`;

const YES = phrases(YES_PHRASES);
const NO = phrases(NO_PHRASES);

/** One phrase, or two in a row ("Sim, tenho interesse", "No, not for us"), with thanks around. */
function phrases(list: readonly string[]): RegExp {
  const phrase = `(?:${list.join('|')})`;
  return new RegExp(String.raw`^${POLITE}*${phrase}(?:\s+${phrase})?(?:\s+${POLITE})*$`, 'u');
}

/** A short question after a yes ("I'm in. What are the next steps?") keeps it a yes. */
const MAX_FOLLOWING_WORDS = 10;

/** Lower case, typographic apostrophes plain, no emoji, commas, closing punctuation or surrounding space. */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/,/g, ' ')
    .replace(/[\p{Extended_Pictographic}\u{FE0F}]/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,.!;:-]+|[\s,.!;:)-]+$/g, '')
    .trim();
}

function rule(intent: Intent, phrase: string): Classification {
  return { intent, confidence: 0.95, explanation: `rule ${intent}: short reply "${phrase}"` };
}

/** The intent of a reply that is only a clear yes or no, or undefined when it says more than that. */
export function shortReplyIntent(text: string): Classification | undefined {
  const whole = normalise(text);
  if (whole.length === 0 || whole.length > 60) return whole.length > 60 ? firstSentenceYes(text) : undefined;
  if (YES.test(whole)) return rule('interested', whole);
  if (NO.test(whole)) return rule('not_interested', whole);
  return firstSentenceYes(text);
}

/** "I'm in. What are the next steps?": a yes, then a short question about going on. */
function firstSentenceYes(text: string): Classification | undefined {
  const match = /^([^.!?\n]+)[.!]\s+([^\n]+\?)\s*$/u.exec(text.trim());
  if (!match) return undefined;
  const [, first = '', rest = ''] = match;
  const head = normalise(first);
  if (!YES.test(head) || rest.split(/\s+/).length > MAX_FOLLOWING_WORDS) return undefined;
  // A yes with a "but" is no plain yes.
  if (/\b(?:but|however|aber|mais|pero)\b/i.test(rest)) return undefined;
  return rule('interested', head);
}
