/** Per-stage timings collected over many runs, summarised for printing. */
export class Stats {
  private readonly samples = new Map<string, number[]>();

  add(timingsMs: Record<string, number>): void {
    for (const [stage, ms] of Object.entries(timingsMs)) {
      const list = this.samples.get(stage) ?? [];
      list.push(ms);
      this.samples.set(stage, list);
    }
  }

  /** The median of `derive` over the runs: a figure made from several stages of each run. */
  medianOf(derive: (sample: Record<string, number>) => number): number {
    const runs = Math.min(...[...this.samples.values()].map((list) => list.length));
    const derived = Array.from({ length: runs }, (_, i) =>
      derive(Object.fromEntries([...this.samples].map(([stage, list]) => [stage, list[i]]))),
    ).sort((a, b) => a - b);
    return derived[Math.floor(derived.length / 2)];
  }

  means(): Record<string, number> {
    return Object.fromEntries([...this.samples.keys()].map((stage) => [stage, this.mean(stage)]));
  }

  medians(): Record<string, number> {
    return Object.fromEntries([...this.samples.keys()].map((stage) => [stage, this.median(stage)]));
  }

  mean(stage: string): number {
    const list = this.list(stage);
    return list.reduce((sum, ms) => sum + ms, 0) / list.length;
  }

  median(stage: string): number {
    return this.percentile(stage, 50);
  }

  percentile(stage: string, p: number): number {
    const sorted = [...this.list(stage)].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  }

  /** One line per stage: mean, median and p95 in milliseconds. */
  table(): string {
    const rows = [...this.samples.keys()].map(
      (stage) =>
        `  ${stage.padEnd(12)} ${this.mean(stage).toFixed(1).padStart(7)} ${this.median(stage).toFixed(1).padStart(7)} ${this.percentile(stage, 95).toFixed(1).padStart(7)}`,
    );
    return [
      `  ${'stage'.padEnd(12)} ${'mean'.padStart(7)} ${'median'.padStart(7)} ${'p95'.padStart(7)}   (ms)`,
      ...rows,
    ].join('\n');
  }

  private list(stage: string): number[] {
    const list = this.samples.get(stage);
    if (!list?.length) throw new Error(`no samples for ${stage}`);
    return list;
  }
}
