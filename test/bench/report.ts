/**
 * The bench's headline figures (the keys of its final JSON line, null for a
 * phase not run) and the targets of issue 13 they are held against.
 */
import type { HistoryResult } from "./history.ts";
import type { IdleResult } from "./idle.ts";
import type { RawRecordsResult } from "./rawRecords.ts";
import type { Catalog, EngineRecordsResult } from "./records.ts";
import type { ScalingResult } from "./scaling.ts";
import { round } from "./support.ts";
import type { LatencyResult, RawPgBossResult, RunThroughputResult } from "./throughput.ts";

/** What the phases that ran measured. */
export interface BenchResults {
  idle?: { readonly few: IdleResult; readonly many: IdleResult };
  latency?: LatencyResult;
  drain?: { readonly runs: RunThroughputResult; readonly raw: RawPgBossResult };
  records?: {
    readonly catalog: Catalog;
    readonly engine: EngineRecordsResult;
    readonly raw: RawRecordsResult;
  };
  history?: HistoryResult;
  scaling?: ScalingResult;
}

export const targets = {
  idleManyToFewRatio: 1.2,
  idleTxPerSecond: 10,
  steadyRunsToRawRatio: 1,
  writeTransactionsPerRun: 2.5,
  cpuPerRunToRawRatio: 2,
  threeWorkersToOneRatio: 1,
  startLatencyP50Ms: 5,
  startLatencyP95Ms: 15,
  recordsPerSecond: 50_000,
  recordsToRawRatio: 0.9,
  historyFirstPageMs: 1000,
} as const;

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a == null || b == null || b === 0 ? null : round(a / b, 3);

export type Figures = ReturnType<typeof figuresOf>;

export function figuresOf(results: BenchResults) {
  const { idle, latency, drain, records, history, scaling } = results;
  const runs = drain?.runs;
  const raw = drain?.raw;
  return {
    idleTxPerSecondFewTypes: idle?.few.txPerSecond ?? null,
    idleTxPerSecondManyTypes: idle?.many.txPerSecond ?? null,
    idleConnectionsFewTypes: idle?.few.connections ?? null,
    idleConnectionsManyTypes: idle?.many.connections ?? null,
    idleManyToFewRatio: ratio(idle?.many.txPerSecond, idle?.few.txPerSecond),
    startLatencyP50Ms: latency?.p50 ?? null,
    startLatencyP95Ms: latency?.p95 ?? null,
    runsPerSecond: runs?.drain.perSecond ?? null,
    rawPgBossJobsPerSecond: raw?.drain.perSecond ?? null,
    runsToRawRatio: ratio(runs?.drain.perSecond, raw?.drain.perSecond),
    // The 10–90 % rates leave out the ramp-up, which depends on when pg-boss last refreshed
    // its queue statistics (see rampSeconds in drain.ts), and the tail.
    steadyRunsPerSecond: runs?.drain.steadyPerSecond ?? null,
    rawPgBossSteadyJobsPerSecond: raw?.drain.steadyPerSecond ?? null,
    steadyRunsToRawRatio: ratio(runs?.drain.steadyPerSecond, raw?.drain.steadyPerSecond),
    // To execute a queued run (fetch to completed) against fetching and completing a job, in the
    // same 10–90 % windows: the ramp-up's idle polling would weigh on small drains.
    writeTransactionsPerRun: runs?.steadyCost?.writeTransactions ?? null,
    serverCpuMsPerRun: runs?.steadyCost?.serverCpuMs ?? null,
    rawWriteTransactionsPerJob: raw?.steadyCost?.writeTransactions ?? null,
    rawServerCpuMsPerJob: raw?.steadyCost?.serverCpuMs ?? null,
    cpuPerRunToRawRatio: ratio(runs?.steadyCost?.serverCpuMs, raw?.steadyCost?.serverCpuMs),
    threeWorkersToOneRatio: scaling?.threeWorkersToOneRatio ?? null,
    recordsPerSecond: records?.engine.processingPerSecond ?? null,
    rawSqlRecordsPerSecond: records?.raw.perSecond ?? null,
    recordsToRawRatio: ratio(records?.engine.processingPerSecond, records?.raw.perSecond),
    historyFirstPageMs: history?.historyFirstPageMs ?? null,
    historyTextSearchMs: history?.historyTextSearchMs ?? null,
  };
}

interface TargetRow {
  readonly key: string;
  readonly figure: string;
  readonly target: string;
  /** What was measured, or null if the phase did not run. */
  measured(f: Figures): string | null;
  met(f: Figures): boolean;
}

/** Whether every figure a row reads was measured. */
const all = (...values: (number | null)[]): boolean =>
  values.every((value) => value !== null && !Number.isNaN(value));

const targetRows: readonly TargetRow[] = [
  {
    key: "idle",
    figure: "idle worker, 100 job types vs 5",
    target: `≤ ${targets.idleManyToFewRatio}× and ≤ ${targets.idleTxPerSecond} tx/s`,
    measured: (f) =>
      all(f.idleManyToFewRatio, f.idleTxPerSecondFewTypes, f.idleTxPerSecondManyTypes)
        ? `${f.idleManyToFewRatio}× (${f.idleTxPerSecondFewTypes} → ${f.idleTxPerSecondManyTypes} tx/s)`
        : null,
    met: (f) =>
      f.idleManyToFewRatio! <= targets.idleManyToFewRatio &&
      Math.max(f.idleTxPerSecondFewTypes!, f.idleTxPerSecondManyTypes!) <= targets.idleTxPerSecond,
  },
  {
    key: "steadyRunsToRawRatio",
    figure: "steady runs/s ÷ raw pg-boss jobs/s",
    target: `≥ ${targets.steadyRunsToRawRatio}`,
    measured: (f) =>
      all(f.steadyRunsToRawRatio, f.steadyRunsPerSecond, f.rawPgBossSteadyJobsPerSecond)
        ? `${f.steadyRunsToRawRatio} (${f.steadyRunsPerSecond} ÷ ${f.rawPgBossSteadyJobsPerSecond})`
        : null,
    met: (f) => f.steadyRunsToRawRatio! >= targets.steadyRunsToRawRatio,
  },
  {
    key: "writeTransactionsPerRun",
    figure: "write transactions per one-step run",
    target: `≤ ${targets.writeTransactionsPerRun}`,
    measured: (f) =>
      all(f.writeTransactionsPerRun, f.rawWriteTransactionsPerJob)
        ? `${f.writeTransactionsPerRun} (raw job ${f.rawWriteTransactionsPerJob})`
        : null,
    met: (f) => f.writeTransactionsPerRun! <= targets.writeTransactionsPerRun,
  },
  {
    key: "cpuPerRunToRawRatio",
    figure: "PostgreSQL CPU per run ÷ per raw job",
    target: `≤ ${targets.cpuPerRunToRawRatio}`,
    measured: (f) =>
      all(f.cpuPerRunToRawRatio, f.serverCpuMsPerRun, f.rawServerCpuMsPerJob)
        ? `${f.cpuPerRunToRawRatio} (${f.serverCpuMsPerRun} ÷ ${f.rawServerCpuMsPerJob} ms)`
        : null,
    met: (f) => f.cpuPerRunToRawRatio! <= targets.cpuPerRunToRawRatio,
  },
  {
    key: "threeWorkersToOneRatio",
    figure: "three worker processes ÷ one",
    target: `≥ ${targets.threeWorkersToOneRatio}`,
    measured: (f) => (all(f.threeWorkersToOneRatio) ? `${f.threeWorkersToOneRatio}` : null),
    met: (f) => f.threeWorkersToOneRatio! >= targets.threeWorkersToOneRatio,
  },
  {
    key: "startLatency",
    figure: "start latency p50 / p95",
    target: `≤ ${targets.startLatencyP50Ms} / ≤ ${targets.startLatencyP95Ms} ms`,
    measured: (f) =>
      all(f.startLatencyP50Ms, f.startLatencyP95Ms)
        ? `${f.startLatencyP50Ms} / ${f.startLatencyP95Ms} ms`
        : null,
    met: (f) =>
      f.startLatencyP50Ms! <= targets.startLatencyP50Ms &&
      f.startLatencyP95Ms! <= targets.startLatencyP95Ms,
  },
  {
    key: "records",
    figure: "records/s, and ÷ the raw SQL loop",
    target: `≥ ${targets.recordsPerSecond} and ≥ ${targets.recordsToRawRatio}×`,
    measured: (f) =>
      all(f.recordsPerSecond, f.recordsToRawRatio)
        ? `${f.recordsPerSecond}, ${f.recordsToRawRatio}×`
        : null,
    met: (f) =>
      f.recordsPerSecond! >= targets.recordsPerSecond &&
      f.recordsToRawRatio! >= targets.recordsToRawRatio,
  },
  {
    key: "history",
    figure: "history first page, and with text search",
    target: `< ${targets.historyFirstPageMs} ms`,
    measured: (f) =>
      all(f.historyFirstPageMs, f.historyTextSearchMs)
        ? `${f.historyFirstPageMs} / ${f.historyTextSearchMs} ms`
        : null,
    met: (f) =>
      f.historyFirstPageMs! < targets.historyFirstPageMs &&
      f.historyTextSearchMs! < targets.historyFirstPageMs,
  },
];

/** Each target's verdict: true met, false missed, null not measured. */
export function verdicts(f: Figures): Record<string, boolean | null> {
  return Object.fromEntries(
    targetRows.map((row) => [row.key, row.measured(f) === null ? null : row.met(f)]),
  );
}

/** The targets table: figure, measured, target, PASS / MISS (or "-" for a phase not run). */
export function targetsTable(f: Figures): string[] {
  const rows = targetRows.map((row) => {
    const measured = row.measured(f);
    const verdict = measured === null ? "-" : row.met(f) ? "PASS" : "MISS";
    return [row.figure, measured ?? "not measured", row.target, verdict];
  });
  const header = ["figure", "measured", "target", ""];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  return [header, ...rows].map((cells) =>
    `  ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ")}`.trimEnd(),
  );
}
