import { Liquid, type Template } from 'liquidjs';

/**
 * The one Liquid engine for sequence templates. Options, and why:
 * - strictFilters: a typo such as `| defualt:` fails when the file loads, not at send time.
 * - strictVariables off: a contact without a first name renders "" so `| default: "there"` works.
 * - ownPropertyOnly: templates can't reach prototype properties of the values we pass in.
 * - templates: {}: an empty in-memory file system, so nothing can read files from disk;
 *   include/render/layout are also refused at parse time (below) with a clearer message.
 * - memoryLimit: a runaway `{% for i in (1..100000000) %}` fails fast instead of stalling the
 *   worker. The unit is liquidjs's allocation count; real emails use a few thousand.
 */
export const engine = new Liquid({
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  templates: {},
  memoryLimit: 1_000_000,
});

for (const name of ['include', 'render', 'layout']) {
  engine.registerTag(name, {
    parse() {
      throw new Error(`{% ${name} %} is not available: a sequence template can't load other files`);
    },
    render() {
      return '';
    },
  });
}

/** Parses a template; throws liquidjs's error (with its template line and column) when it can't. */
export function parseTemplate(source: string): Template[] {
  return engine.parse(source);
}

/** A short description of a Liquid error: its own message plus where in the template it is. */
export function describeLiquidError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // liquidjs appends ", line:2, col:5" to its messages; we restate that in words.
  const message = error.message.replace(/, line:\d+, col:\d+$/, '');
  const match = /, line:(\d+), col:(\d+)$/.exec(error.message);
  return match ? `${message} (template line ${match[1]}, column ${match[2]})` : message;
}
