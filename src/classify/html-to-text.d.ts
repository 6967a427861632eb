// html-to-text ships no type declarations and has no @types package installed here. It is
// present because mailparser depends on it (pinned, 10.0.1); this declares the one call we use.
declare module 'html-to-text' {
  export interface HtmlToTextSelector {
    selector: string;
    format?: string;
    options?: Readonly<Record<string, unknown>>;
  }

  export interface HtmlToTextOptions {
    /** Line length to wrap at, or false for no wrapping (default 80). */
    wordwrap?: number | false;
    selectors?: readonly HtmlToTextSelector[];
    limits?: { maxDepth?: number; maxInputLength?: number };
  }

  export function htmlToText(html: string, options?: HtmlToTextOptions): string;
}
