import { SingleBar, Presets } from 'cli-progress';

/**
 * A progress bar on stderr for long imports, only when stderr is a terminal (a pipe or CI log gets
 * nothing, and stdout stays clean for the report).
 */
export function progressBar(total: number, unit: string): { update(value: number): void; stop(): void } {
  if (!process.stderr.isTTY || total <= 0) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    { format: `{bar} {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (value) => bar.update(Math.min(value, total)), stop: () => bar.stop() };
}
