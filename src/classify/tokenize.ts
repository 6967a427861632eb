export interface Token {
  /** As the classifier sees it: lower-cased and stemmed. */
  stem: string;
  /** As written, for explanations. */
  word: string;
}

const QUESTION_MARK = '?';

/**
 * Words found in replies of every label: they carry no intent, only noise between labels (they
 * raised leave-one-out accuracy from 56% to 59% on an earlier corpus; the German, French and
 * Spanish ones raised 5-fold accuracy from 74% to 76% on this one). natural's own stop word list
 * is not used: it drops "not", "now", "who" and "when", which carry the intent here.
 */
const STOP_WORDS = new Set([
  ...['the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'at', 'for', 'with', 'is', 'are', 'be', 'it', 'this', 'that'],
  ...['i', 'we', 'you', 'our', 'your', 'my', 'us', 'would', 'will', 'can', 'do', 'have'],
  ...['de', 'la', 'le', 'les', 'el', 'los', 'der', 'die', 'das', 'und', 'et', 'y'],
  ...[
    'sie',
    'ich',
    'wir',
    'ihr',
    'ihre',
    'ihnen',
    'mir',
    'mich',
    'uns',
    'ein',
    'eine',
    'einen',
    'ist',
    'es',
    'mit',
    'für',
    'von',
    'zu',
    'im',
    'an',
    'auf',
  ],
  ...[
    'je',
    'nous',
    'vous',
    'me',
    'que',
    'du',
    'des',
    'un',
    'une',
    'en',
    'à',
    'au',
    'pour',
    'avec',
    'est',
    'ce',
    'mon',
    'ma',
    'votre',
    'notre',
  ],
  ...['por', 'para', 'con', 'una', 'lo', 'mi', 'te', 'tu', 'su', 'del', 'al', 'nos', 'se'],
]);

/** French and Italian elisions ("l'entreprise", "d'informations"): the word is what follows. */
const ELISION = /^(?:l|d|m|j|n|c|s|t|qu|dell|all|un)'(?=\p{L})/u;

/**
 * Stems are cut to this many characters: a crude stemmer for the German, French and Spanish words
 * the Porter stemmer leaves whole ("interessiert"/"interesse", "intéressé"/"intéresse"). Measured
 * on this corpus, 5-fold: 72% → 74% accuracy at no threshold.
 */
const STEM_CHARS = 6;

/**
 * Lower-cased words in any script (natural's tokenizer keeps only a-z, which splits "désinscrire"
 * and "büro"), Porter-stemmed, plus a "?" token: a question mark is strong evidence of a question.
 * Runs of Han/Kana are split into characters' pairs, since Japanese has no spaces.
 */
export function tokenize(text: string, stem: (word: string) => string): Token[] {
  const words =
    text
      .normalize('NFC')
      .replace(/[’‘]/g, "'")
      .match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
  const tokens = words
    .flatMap(splitCjk)
    .filter((word) => !STOP_WORDS.has(word.toLowerCase().replace(ELISION, '')))
    .map((word) => ({ word, stem: stem(word.toLowerCase().replace(ELISION, '').replace(/'/g, '')).slice(0, STEM_CHARS) }));
  if (text.includes(QUESTION_MARK) || text.includes('¿') || text.includes('？')) tokens.push({ word: QUESTION_MARK, stem: QUESTION_MARK });
  return tokens;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function splitCjk(word: string): string[] {
  if (!CJK.test(word) || word.length < 3) return [word];
  const pairs: string[] = [];
  for (let i = 0; i + 1 < word.length; i++) pairs.push(word.slice(i, i + 2));
  return pairs;
}
