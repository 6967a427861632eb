import { IfTag, Output, Tag, toValueSync, TypeGuards, UnlessTag, Value, type Template, type ValueToken } from 'liquidjs';
import { engine } from './liquid.ts';

/** A variable a template reads from the contact, and whether leaving it empty is safe. */
export interface TemplateVariable {
  name: string;
  /**
   * True when every place the template uses the variable copes with no value: it has a `default`
   * filter, it is only a condition (`{% if company %}`), or it is printed only inside a branch
   * guarded by itself (`{% if company %} at {{ company }}{% endif %}`).
   */
  hasFallback: boolean;
}

/** Tags other than output that put a variable's value into the text (assign, through its local). */
const RENDERING_TAGS = new Set(['echo', 'assign']);

/**
 * The contact variables a parsed template reads, in order of first use. liquidjs's static analysis
 * finds the globals (it knows `for` and `assign` scopes); our own walk finds where a missing value
 * would show, and the two meet on each variable's position in the template.
 */
export function templateVariablesOf(templates: Template[]): TemplateVariable[] {
  const { globals } = engine.analyzeSync(templates, { partials: false });
  const unsafe = new Set<string>();
  walk(templates, new Set(), unsafe);
  return Object.entries(globals).map(([name, uses]) => ({
    name,
    hasFallback: uses.every((use) => !unsafe.has(positionKey(use.location.row, use.location.col))),
  }));
}

const positionKey = (row: number | undefined, col: number | undefined) => `${row}:${col}`;

function walk(templates: readonly Template[], guarded: ReadonlySet<string>, unsafe: Set<string>): void {
  for (const t of templates) {
    if (t instanceof Output) {
      markRendered(t.value, guarded, unsafe);
    } else if (t instanceof IfTag) {
      // Each branch runs only when its own condition holds (earlier ones failing guards nothing).
      for (const branch of t.branches) walk(branch.templates, union(guarded, truthyNames(branch.value)), unsafe);
      walk(t.elseTemplates ?? [], guarded, unsafe);
    } else if (t instanceof UnlessTag) {
      const [first, ...elsifs] = t.branches;
      const whenTrue = first ? union(guarded, truthyNames(first.value)) : guarded;
      walk(first?.templates ?? [], guarded, unsafe);
      for (const branch of elsifs) walk(branch.templates, union(whenTrue, truthyNames(branch.value)), unsafe);
      walk(t.elseTemplates, whenTrue, unsafe);
    } else {
      if (RENDERING_TAGS.has(tagName(t)))
        for (const arg of t.arguments?.() ?? []) if (arg instanceof Value) markRendered(arg, guarded, unsafe);
      if (t.children) walk(toValueSync(t.children(false, true)), guarded, unsafe);
    }
  }
}

const tagName = (t: Template): string => (t instanceof Tag ? t.name : '');

/** Marks the variables a printed value shows, unless the value has a `default` or is guarded. */
function markRendered(value: Value, guarded: ReadonlySet<string>, unsafe: Set<string>): void {
  if (value.filters.some((f) => f.name === 'default')) return;
  const tokens: ValueToken[] = [...value.initial.postfix.filter(TypeGuards.isValueToken)];
  for (const filter of value.filters) {
    for (const arg of filter.args) {
      const token = Array.isArray(arg) ? arg[1] : arg;
      if (token !== undefined) tokens.push(token);
    }
  }
  for (const token of tokens.flatMap(accesses)) {
    const root = rootName(token);
    if (root !== undefined && !guarded.has(root)) {
      const [row, col] = token.getPosition();
      unsafe.add(positionKey(row, col));
    }
  }
}

type Access = Extract<ValueToken, { props: unknown }>;

function accesses(token: ValueToken): Access[] {
  if (TypeGuards.isPropertyAccessToken(token)) return [token];
  if (TypeGuards.isRangeToken(token)) return [...accesses(token.lhs), ...accesses(token.rhs)];
  return [];
}

function rootName(token: Access): string | undefined {
  const [root] = token.props;
  return token.variable === undefined && TypeGuards.isWordToken(root) ? root.content : undefined;
}

/**
 * The variables a condition proves non-empty when it holds: `x`, `x != blank`, and `and` of
 * those. (`!= ""` and `!= nil` don't count: liquidjs treats a missing value as unequal to "",
 * and an empty string as unequal to nil.)
 */
function truthyNames(value: Value): Set<string> {
  if (value.filters.length > 0) return new Set();
  const stack: Array<Set<string> | 'blank'> = [];
  for (const token of value.initial.postfix) {
    if (TypeGuards.isPropertyAccessToken(token)) {
      const root = rootName(token);
      stack.push(new Set(root === undefined ? [] : [root]));
    } else if (TypeGuards.isLiteralToken(token) && token.literal === 'blank') {
      stack.push('blank');
    } else if (TypeGuards.isOperatorToken(token)) {
      const right = stack.pop();
      const left = token.operator === 'not' ? undefined : stack.pop();
      if (token.operator === 'and') stack.push(union(asSet(left), asSet(right)));
      else if (token.operator === '!=' && right === 'blank' && left !== 'blank') stack.push(asSet(left));
      else if (token.operator === '!=' && left === 'blank' && right !== 'blank') stack.push(asSet(right));
      else stack.push(new Set());
    } else {
      stack.push(new Set());
    }
  }
  return asSet(stack.at(-1));
}

const asSet = (entry: Set<string> | 'blank' | undefined): Set<string> => (entry instanceof Set ? entry : new Set());
const union = (a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> => new Set([...a, ...b]);
