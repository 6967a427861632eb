import { describe, expect, it } from 'vitest';
import { INTENTS, isIntent } from './intents.ts';

describe('the intents', () => {
  it('are known by name, and nothing else is, not even what every object has', () => {
    expect(INTENTS.every(isIntent)).toBe(true);
    expect(INTENTS).toHaveLength(11);
    for (const other of ['constructor', 'toString', '__proto__', 'Interested', '', 42, undefined]) expect(isIntent(other)).toBe(false);
  });
});
