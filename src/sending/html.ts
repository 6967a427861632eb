import type { MJMLParseError, MJMLParsingOptions } from 'mjml-core';
import type { MjmlPreset } from 'mjml-preset-core';
import { ErrorCodes, ParleyError } from '../errors.ts';

/**
 * The HTML alternative of a plain-text step: the same words, laid out like a message a person wrote
 * in a mail client (one narrow column, the reader's system font, no colours or logo). Nothing is
 * added: no images, no tracking pixel, no hidden preheader text, no rewritten links. The text part
 * stays the authoritative one; this only keeps clients that prefer HTML from reflowing the text.
 */
export async function renderHtmlAlternative(text: string): Promise<string> {
  return compileMjml(messageTemplate(textToHtml(text)));
}

// System fonts only. Named web fonts would make MJML add a <link> to Google Fonts (its default
// `fonts` map includes Roboto), a request to a third party each time the mail is opened.
const FONT = `-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif`;

function messageTemplate(bodyHtml: string): string {
  return `<mjml>
  <mj-head>
    <mj-attributes>
      <mj-all font-family="${FONT}" />
      <mj-text font-size="14px" line-height="1.5" color="#222222" padding="0" />
      <mj-section padding="8px 0" />
    </mj-attributes>
  </mj-head>
  <mj-body width="600px">
    <mj-section>
      <mj-column>
        <mj-text>${bodyHtml}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

const MJML_OPTIONS: MJMLParsingOptions = {
  // Refuse to render a template MJML finds invalid instead of rendering it half-right.
  validationLevel: 'strict',
  fonts: {},
  keepComments: false,
  // Never read .mjmlconfig or includes from the working directory.
  ignoreIncludes: true,
  useMjmlConfigOptions: false,
};

type Mjml2Html = (source: string, options: MJMLParsingOptions & { presets: readonly MjmlPreset[] }) => Promise<{ html: string }>;

// mjml-core with the standard components (mjml-preset-core) passed as a preset: what the `mjml`
// package does, without its command-line tool and file watcher. mjml-core takes ~0.8 s to load:
// loaded on first use, so processes that never render HTML skip it.
let mjml: Promise<(source: string) => Promise<{ html: string }>> | undefined;
const loadMjml = () =>
  (mjml ??= Promise.all([import('mjml-core'), import('mjml-preset-core')]).then(([core, preset]) => {
    // A CommonJS module compiled from ES modules (`exports.default`): Node's import gives the
    // exports object as `default`, loaders that honour `__esModule` (vitest) the function itself.
    const exported: unknown = core.default;
    const mjml2html = (typeof exported === 'function' ? exported : core.default.default) as Mjml2Html;
    return (source) => mjml2html(source, { ...MJML_OPTIONS, presets: [preset.default] });
  }));

/**
 * MJML to HTML with strict validation. A validation failure means Parley's own template is broken
 * (a bug, not bad input: the text is escaped before it gets here), so it throws HTML_RENDER_FAILED
 * listing MJML's messages. Exported for tests.
 */
export async function compileMjml(source: string): Promise<string> {
  const mjml2html = await loadMjml();
  try {
    const result = await mjml2html(source);
    return result.html;
  } catch (error) {
    const problems = validationErrors(error);
    const detail = problems ? problems.map((p) => `line ${p.line} <${p.tagName}>: ${p.message}`).join('; ') : String(error);
    throw new ParleyError(
      ErrorCodes.HTML_RENDER_FAILED,
      `The HTML email template is invalid (${detail}). This is a bug in Parley; report it.`,
      {
        cause: error,
      },
    );
  }
}

/** mjml-core's ValidationError carries the validator's findings in `errors`. */
function validationErrors(error: unknown): MJMLParseError[] | undefined {
  if (typeof error !== 'object' || error === null || !('errors' in error) || !Array.isArray(error.errors)) return undefined;
  return error.errors.filter(
    (e: unknown): e is MJMLParseError => typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string',
  );
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

// http(s) URLs as people write them in text; stops at whitespace, quotes and angle brackets (so
// `<https://example.com>` links the inside).
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+/gi;
// Sentence punctuation after a URL is not part of it ("see https://example.com.").
const TRAILING = /[.,;:!?]+$/;

/** Plain text to HTML: paragraphs at blank lines, <br> at single line breaks, URLs as links, all else escaped. */
export function textToHtml(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '');
  return paragraphs.map((p) => `<p style="margin:0 0 14px 0;">${p.split('\n').map(lineToHtml).join('<br />')}</p>`).join('\n');
}

function lineToHtml(line: string): string {
  let html = '';
  let last = 0;
  for (const match of line.matchAll(URL_IN_TEXT)) {
    const url = trimUrl(match[0]);
    const start = match.index;
    html += escapeHtml(line.slice(last, start));
    html += URL.canParse(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` : escapeHtml(url);
    last = start + url.length;
  }
  return html + escapeHtml(line.slice(last));
}

/** Drops trailing punctuation, and a closing parenthesis that closes one opened before the URL. */
function trimUrl(url: string): string {
  let trimmed = url.replace(TRAILING, '');
  while (trimmed.endsWith(')') && count(trimmed, ')') > count(trimmed, '(')) {
    trimmed = trimmed.slice(0, -1).replace(TRAILING, '');
  }
  return trimmed;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
