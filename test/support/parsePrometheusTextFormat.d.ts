/** Types of `parse-prometheus-text-format` (it ships none): the Prometheus text format as JSON. */
declare module "parse-prometheus-text-format" {
  export interface ParsedSample {
    readonly labels?: Record<string, string>;
    /** Counters and gauges. */
    readonly value?: string;
    /** Histograms: cumulative counts by upper bound (`le`). */
    readonly buckets?: Record<string, string>;
    readonly count?: string;
    readonly sum?: string;
  }
  export interface ParsedFamily {
    readonly name: string;
    readonly help: string;
    readonly type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
    readonly metrics: readonly ParsedSample[];
  }
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
