import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";

/** A scrape of `/metrics`, parsed by a Prometheus text-format parser, with lookups for tests. */
export class Scrape {
  readonly families: readonly ParsedFamily[];
  /** Names of the histogram families. */
  readonly #histograms: ReadonlySet<string>;

  constructor(text: string) {
    // The parser folds a histogram's samples into one set of buckets when they carry labels
    // (its flattenMetrics keeps only label-less ones). Read as untyped, each histogram's
    // _bucket, _sum and _count series keep their labels, as PromQL addresses them.
    this.#histograms = new Set(
      [...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((match) => match[1]!),
    );
    const parsed = parsePrometheusTextFormat(
      text.replace(/^# TYPE (\S+) histogram$/gm, "# TYPE $1 untyped"),
    );
    // A histogram's series alternate by label set: gather each name's samples in one family.
    const byName = new Map<string, ParsedFamily>();
    for (const family of parsed) {
      const known = byName.get(family.name);
      byName.set(
        family.name,
        known ? { ...known, metrics: [...known.metrics, ...family.metrics] } : family,
      );
    }
    this.families = [...byName.values()];
  }

  /** Metric names as PromQL names them: families, and each histogram's name with its series' suffixes. */
  names(): Set<string> {
    const histogramSeries = [...this.#histograms].flatMap((name) =>
      ["", "_bucket", "_count", "_sum"].map((suffix) => name + suffix),
    );
    return new Set([...this.families.map((f) => f.name), ...histogramSeries]);
  }

  family(name: string): ParsedFamily | undefined {
    return this.families.find((f) => f.name === name);
  }

  /** A counter's or gauge's value for exactly these labels; 0 when the series is absent. */
  value(name: string, labels: Record<string, string> = {}): number {
    const sample = this.#sample(name, labels);
    return sample?.value === undefined ? 0 : Number(sample.value);
  }

  /** A histogram's observation count (its `_count`) for exactly these labels; 0 when absent. */
  count(name: string, labels: Record<string, string>): number {
    return this.value(`${name}_count`, labels);
  }

  /** Every label value of every sample. */
  labelValues(): string[] {
    return this.families.flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
  }

  #sample(name: string, labels: Record<string, string>) {
    const wanted = Object.entries(labels);
    return this.family(name)?.metrics.find((m) => {
      const have = m.labels ?? {};
      return Object.keys(have).length === wanted.length && wanted.every(([k, v]) => have[k] === v);
    });
  }
}
