import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The files `npm run build` compiles (tsconfig.build.json): what the image runs. */
function builtFiles(): string[] {
  const configPath = `${ROOT}tsconfig.build.json`;
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile) as { config: unknown };
  return ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath)).fileNames.filter((f) => !f.endsWith('.d.ts'));
}

/** Module names a file loads at run time: imports, re-exports and import() calls, not `import type`. */
function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      // `import { type A, type B } from 'x'` is erased too.
      const named = node.importClause?.namedBindings;
      const allTypes =
        !node.importClause?.name &&
        named &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      if (!allTypes) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) found.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** 'mjml-core', '@fastify/cookie', 'natural/lib/x.js' -> 'natural'; undefined for relative paths and Node's own modules. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

// The image installs `dependencies` only (npm ci --omit=dev): a package the build loads that is
// only a devDependency, or only there because another package depends on it, fails in production.
describe('production dependencies', () => {
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { dependencies: Record<string, string> };

  it('every package the built code loads is in package.json "dependencies"', () => {
    const files = builtFiles();
    assert.ok(files.length > 100, `found the sources (${files.length} files)`);
    const missing = files.flatMap((file) =>
      runtimeSpecifiers(file)
        .filter((specifier) => {
          const name = packageOf(specifier);
          return name !== undefined && !(name in pkg.dependencies);
        })
        .map((specifier) => `${relative(ROOT, file)}: ${specifier}`),
    );
    assert.deepEqual(missing, []);
  });

  it('finds imports, re-exports and import() calls, and skips type-only imports', () => {
    const file = `${ROOT}src/sending/html.ts`;
    const specifiers = runtimeSpecifiers(file);
    assert.ok(specifiers.includes('mjml-core'), 'the import() of mjml-core');
    assert.ok(specifiers.includes('../errors.ts'));
    assert.equal(packageOf('@fastify/cookie'), '@fastify/cookie');
    assert.equal(packageOf('natural/lib/natural/classifiers/index.js'), 'natural');
    assert.equal(packageOf('node:fs'), undefined);
    assert.equal(packageOf('fs'), undefined);
    const typeOnly = runtimeSpecifiers(`${ROOT}src/classify/bayes-scores.ts`);
    assert.deepEqual(typeOnly, [], 'import type is erased');
  });
});
