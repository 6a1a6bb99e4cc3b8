// Printing helpers shared by the benchmark programs: figures beside their baseline and goal.

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
