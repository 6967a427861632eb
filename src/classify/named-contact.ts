import { anyOf } from './unicode-regex.ts';
import type { NamedContact } from './types.ts';

// The person a reply points to: "talk to Priya (priya@x.com)", "please reach out to Sam Lee",
// "wenden Sie sich an Frau Keller". A name is only taken right after such a phrase, so a company,
// a weekday or the writer's own name elsewhere in the text is not mistaken for one.

/** Phrases after which the next name (and address) is the person to write to. Case-insensitive. */
const POINTER = anyOf(
  [
    /\b(?:contact|contacting|reach out to|reach|talk to|talk with|speak to|speak with|get in touch with|write to|e-?mail|ask|try|try reaching|loop in|looping in|adding|copying|cc'?ing|forwarding (?:this |it |your (?:e-?mail|note|message) )?to|forwarded (?:this |it |your (?:e-?mail|note|message) )?to|passed (?:this |it |your (?:e-?mail|note|message) )?(?:on |along )?to|over to|you want|you need|replaced by|taken over by|successor is|replacement is|handled by|owned by)\b/,
    /\b(?:his|her|their) (?:e-?mail(?: address)?|address) is\b|\breach (?:him|her|them) at\b|\be-?mail (?:him|her|them) at\b/,
    /\bwenden sie sich (?:bitte )?an\b|\bkontaktieren sie\b|\bschreiben sie\b|\bmelden sie sich (?:bitte )?bei\b|\bansprechpartner(?:in)? ist\b|\bleite (?:ihre nachricht|ihre e-?mail|das|es) an\b/,
    /\bcontactez\b|\bcontacter\b|\bécrivez à\b|\badressez-vous à\b|\bvoyez avec\b|\bparlez (?:à|avec)\b|\btransfère à\b/,
    /\bcontacta(?:r)? con\b|\bcontacte con\b|\bescribe a\b|\bescriba a\b|\bhabla con\b|\bhable con\b|\bdiríjase a\b|\bte paso con\b/,
  ],
  'giu',
);

/**
 * Phrases a name comes just before: "Ben Carter took over sales ops", "Herr Braun ist zuständig".
 * The verbs are lower-case on purpose: the name is what is capitalised.
 */
const NAME_BEFORE = anyOf(
  [
    /(\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+){0,2})\s+(?:took over|has taken over|is taking over|replaced me|is my successor|now handles|handles|now owns|owns|runs|is responsible|is in charge|is the right person|ist (?:jetzt |nun )?zuständig|übernimmt|hat übernommen|a repris|s'occupe|s’occupe|se encarga|lleva)\b/u,
  ],
  'gu',
);

/** Capitalised words that open a role or a courtesy title, not a name. */
const NOT_A_NAME = new Set([
  ...['i', 'our', 'my', 'the', 'a', 'an', 'his', 'her', 'their', 'your', 'please', 'thanks', 'thank', 'hi', 'hello', 'dear', 'and', 'or'],
  ...[
    'head',
    'vp',
    'vice',
    'president',
    'director',
    'manager',
    'lead',
    'chief',
    'ceo',
    'cto',
    'coo',
    'cfo',
    'cmo',
    'cro',
    'founder',
    'owner',
  ],
  ...[
    'sales',
    'marketing',
    'operations',
    'ops',
    'revops',
    'it',
    'hr',
    'team',
    'department',
    'support',
    'procurement',
    'purchasing',
    'finance',
    'legal',
    'engineering',
    'partnerships',
  ],
  ...['mr', 'mrs', 'ms', 'dr', 'herr', 'herrn', 'frau', 'monsieur', 'madame', 'mme', 'señor', 'señora', 'sr', 'sra', 'don', 'doña'],
  ...[
    'unseren',
    'unsere',
    'unser',
    'meine',
    'meinen',
    'notre',
    'nos',
    'mon',
    'ma',
    'nuestro',
    'nuestra',
    'mi',
    'el',
    'la',
    'le',
    'der',
    'die',
  ],
  ...['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'today', 'tomorrow'],
  // German capitalises every noun, and "Sie" is the polite "you".
  ...[
    'sie',
    'ihre',
    'ihren',
    'ihrer',
    'vertrieb',
    'vertriebsleiter',
    'vertriebsleiterin',
    'geschäftsführung',
    'geschäftsführer',
    'einkauf',
  ],
  ...['abteilung', 'kollege', 'kollegin', 'kollegen', 'büro', 'ansprechpartner', 'ansprechpartnerin', 'leitung', 'fragen'],
]);

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const WORD = /[\p{L}][\p{L}'’.-]*/gu;
/** How far after a pointer phrase its name and address are looked for. Unit: characters. */
const WINDOW_CHARS = 160;
const MAX_NAME_WORDS = 3;
/** Lower-case words allowed between the phrase and the name ("my new colleague"). */
const MAX_FILLER_WORDS = 6;
/** Words after which what follows is a place or a clause, not the person: "reach our team at Acme". */
const ENDS_FILLER = new Set([
  'at',
  'in',
  'on',
  'from',
  'for',
  'who',
  'which',
  'that',
  'he',
  'she',
  'they',
  'it',
  'is',
  'bei',
  'chez',
  'dans',
  'en',
]);

/**
 * The first person the text points to, with their address when it is given near the name.
 * Addresses in `exclude` (the writer's own) are never returned. Undefined when nobody is named.
 */
export function extractNamedContact(text: string, exclude: readonly string[] = []): NamedContact | undefined {
  const excluded = new Set(exclude.map((a) => a.toLowerCase()));
  let fallbackEmail: string | undefined;
  for (const pointer of text.matchAll(POINTER)) {
    const start = pointer.index + pointer[0].length;
    const window = text.slice(start, start + WINDOW_CHARS).split(/\n\s*\n/)[0] ?? '';
    const name = nameAtStart(window);
    const email = firstEmail(window, excluded);
    if (name) return { name, email };
    fallbackEmail ??= email;
  }
  const before = nameBefore(text);
  return before || fallbackEmail ? { name: before, email: fallbackEmail ?? (before ? firstEmail(text, excluded) : undefined) } : undefined;
}

/** A name written just before what the person now does ("Ben Carter took over"), without a pointer phrase. */
function nameBefore(text: string): string | undefined {
  for (const match of text.matchAll(NAME_BEFORE)) {
    const words = (match[1] ?? '').split(/\s+/);
    // "Our Sales Lead owns it": drop role words from the front; a name must remain.
    while (words.length > 0 && NOT_A_NAME.has(words[0]!.toLowerCase())) words.shift();
    if (words.length > 0 && words.every((w) => !NOT_A_NAME.has(w.toLowerCase()))) return words.join(' ');
  }
  return undefined;
}

/**
 * The name that opens a window: after lower-case filler ("my colleague", "our head of sales,")
 * and titles ("Frau"), one to three capitalised words, within the first sentence.
 */
function nameAtStart(window: string): string | undefined {
  const sentence = window.split(/[.!?;:](?:\s|$)|\n/)[0] ?? '';
  const words: string[] = [];
  let filler = 0;
  for (const match of sentence.replace(EMAIL, ' @ ').matchAll(WORD)) {
    const word = match[0].replace(/[.'’-]+$/, '');
    const possessive = /['’]s$/.test(word);
    const candidate = /^\p{Lu}/u.test(word) && !NOT_A_NAME.has(word.toLowerCase()) && word.length > 1 && !possessive;
    if (words.length > 0) {
      // The name ends at the first word that does not continue it.
      if (!candidate || words.length === MAX_NAME_WORDS) break;
      words.push(word);
    } else if (candidate) {
      words.push(word);
    } else if (possessive || ENDS_FILLER.has(word.toLowerCase()) || ++filler > MAX_FILLER_WORDS) {
      break;
    }
  }
  return words.length > 0 ? words.join(' ') : undefined;
}

function firstEmail(window: string, excluded: ReadonlySet<string>): string | undefined {
  for (const match of window.matchAll(EMAIL)) {
    const email = match[0].replace(/\.+$/, '').toLowerCase();
    if (!excluded.has(email)) return email;
  }
  return undefined;
}
