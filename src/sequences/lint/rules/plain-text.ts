import { bodies, urlsIn } from '../text.ts';
import type { LintRule, RuleFinding } from '../types.ts';

const HTML_TAG = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/i;
const MARKDOWN_LINK = /!?\[[^\]\n]*\]\([^)\n]*\)/;

/** A person's email is plain text with at most one link; markup and link lists read as marketing. */
export const plainText: LintRule = {
  id: 'plain-text',
  check: (sequence) =>
    bodies(sequence).flatMap(({ path, text }) => {
      const findings: RuleFinding[] = [];
      const tag = HTML_TAG.exec(text);
      if (tag)
        findings.push({ path, message: `remove the HTML tag ${tag[0]}: the email is sent as plain text and would show it as typed` });
      const link = MARKDOWN_LINK.exec(text);
      if (link)
        findings.push({
          path,
          message: `write the address out instead of markdown ${link[0]}: plain-text mail shows the brackets as typed`,
        });
      const urls = urlsIn(text).length;
      if (urls > 1)
        findings.push({
          path,
          message: `this email has ${urls} links; keep at most one, since several links look like a newsletter to people and filters`,
        });
      return findings;
    }),
};
