import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (the `chromium` package `npm run setup` installs); never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium for a test file; close it in `afterAll`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}
