// Printing helpers shared by the benchmark programs: figures beside their baseline and goal.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  goal?: string;
  /** Whether the goal is met, when it can be judged from the figures. */
  met?: boolean;
}

const fmt = (n: number) =>
  Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : Number(n.toPrecision(3)).toString();

export function printFigures(figures: Figure[]): void {
  for (const f of figures) {
    const parts = [`${f.name}: ${fmt(f.value)} ${f.unit}`];
    if (f.baseline)
      parts.push(
        `baseline (${f.baseline.name}): ${fmt(f.baseline.value)} ${f.unit}, ratio ${(f.value / f.baseline.value).toFixed(2)}`,
      );
    if (f.goal) parts.push(`goal: ${f.goal}${f.met === undefined ? '' : f.met ? ' — met' : ' — NOT met'}`);
    console.log(`- ${parts.join(' | ')}`);
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * BENCH_CPU_PROFILE=DIR writes a V8 CPU profile of a measured section to DIR/<section>.cpuprofile
 * (open it in Chrome's DevTools): where the section's JavaScript time goes. Off by default.
 */
export async function startProfile(): Promise<{ stop(section: string): Promise<void> }> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return { stop: async () => undefined };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    stop: async (section) => {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${section}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
      console.log(`CPU profile of ${section}: ${join(dir, `${section}.cpuprofile`)}`);
    },
  };
}
