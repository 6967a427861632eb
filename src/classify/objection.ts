// Why a "no": the reason decides what a rep might still say (a comparison for a competitor's user,
// nothing at all for "no need"). Checked in this order: a named tool or price is more specific
// than a general "we don't need it".
import { anyOf } from './unicode-regex.ts';

export type Objection = 'already_have_tool' | 'too_expensive' | 'no_need' | 'bad_fit' | 'other';

const REASONS: ReadonlyArray<readonly [Exclude<Objection, 'other'>, RegExp]> = [
  [
    'already_have_tool',
    anyOf([
      /\b(?:already|currently) (?:use|using|have|work with|pay for|signed with)\b|\bwe use \p{L}+ (?:for|already)\b/u,
      /\bhappy with (?:our|the|what we|our current)\b|\b(?:have|got) (?:a|our own|an existing) (?:solution|tool|vendor|provider|system)\b|\ball set\b/,
      /\b(?:built|build|developed) (?:something|our own|it|this|one) in-?house\b|\bin-?house (?:tool|solution)\b|\bno plans to (?:switch|change)\b/,
      /\bbereits (?:eine|ein|im einsatz)\b|\bschon (?:eine|ein) (?:lösung|tool)\b|\bzufrieden mit\b|\baktuellen lösung\b/,
      /\bdéjà (?:une|un|équipés)\b|\bsatisfaits de\b|\bsolution (?:actuelle|en place)\b/,
      /\bya tenemos\b|\bya usamos\b|\bcontentos con\b|\bproveedor actual\b/,
    ]),
  ],
  [
    'too_expensive',
    anyOf([
      /\btoo (?:expensive|pricey|costly|much money)\b|\bcan(?:no|')?t afford\b|\bcannot afford\b|\bout of (?:our|my) (?:price range|budget)\b|\bnever pay for\b|\bprice is too high\b/,
      /\bzu teuer\b|\bkönnen uns (?:das|es) nicht leisten\b|\btrop cher\b|\bdemasiado caro\b|\bno podemos pagar\b/,
    ]),
  ],
  [
    'bad_fit',
    anyOf([
      /\bnot (?:a |the )?(?:good |right )?fit\b|\bnot relevant\b|\birrelevant\b|\bnot (?:the )?(?:target|right) (?:customer|audience|market)\b|\bnot for us\b|\bdoes not apply\b/,
      /\b(?:do not|don't|dont) (?:do|send) (?:outbound|cold|sales e-?mails?)\b|\btoo small\b|\bpolicy\b/,
      /\bpasst nicht\b|\bnicht relevant\b|\bpas pour nous\b|\bpas adapté\b|\bno es para nosotros\b|\bno (?:nos )?encaja\b/,
    ]),
  ],
  [
    'no_need',
    anyOf([
      /\b(?:do not|don't|dont|no) need\b|\bno use for\b|\bno interest\b|\bnot (?:a )?priority\b|\bnot looking for\b|\bnot something we (?:need|would buy)\b|\bdoes not solve\b|\bzero need\b/,
      /\bkein(?:en)? bedarf\b|\bbrauchen (?:das|es) nicht\b|\bpas besoin\b|\bn'avons pas besoin\b|\bno (?:lo )?necesitamos\b/,
    ]),
  ],
];

/** The reason a not-interested reply gives; 'other' when it gives none that is recognised. */
export function objectionReason(text: string): Objection {
  const normalised = text.replace(/[’‘]/g, "'");
  for (const [reason, pattern] of REASONS) if (pattern.test(normalised)) return reason;
  return 'other';
}
