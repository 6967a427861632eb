#!/usr/bin/env node
// Runs the compiled CLI when `npm run build` has made one (the Docker image), else the TypeScript
// sources through tsx, so `npx parley` works straight from a checkout.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
