/** What a run's steps see of the engine during one activation (`RunRuntime`): step keys, logs, progress, the journal, parking and record steps. */
import type { LogLevel, RunRuntime } from "@docket/sdk/runtime";
import type { RunRow } from "../database/schema.ts";
import { runMemberRunsStep } from "../institutions/memberRuns.ts";
import { importRows } from "../records/importRows.ts";
import { runRecordStep } from "../records/recordStep.ts";
import type { RegisteredJob } from "../registry/jobRegistry.ts";
import type { RunEventEntry } from "../runs/runEventKinds.ts";
import type { ActivationSpans } from "../telemetry/runSpans.ts";
import type { ActivationContext } from "./activationContext.ts";
import type { ProgressThrottle } from "./progressThrottle.ts";
import { readJournalEntry, writeJournalEntry } from "./sql/runJournal.ts";
import type { StepsInFlight } from "./stepsInFlight.ts";
import { type StepVisits, stepKeyOf } from "./stepVisits.ts";

/** The activation's side of the runtime. */
export interface ActivationRuntimeHost {
  readonly ctx: ActivationContext;
  readonly job: RegisteredJob;
  readonly runId: string;
  readonly visits: () => StepVisits;
  /** The claimed run, as the activation knows it. */
  readonly row: () => RunRow;
  readonly setRow: (row: RunRow) => void;
  readonly append: (event: RunEventEntry) => void;
  readonly progress: ProgressThrottle;
  readonly steps: StepsInFlight;
  /** A record step handed its parts to the queue: the run parks until the last part wakes it. */
  readonly awaitParts: () => void;
  /** The activation's span: steps' spans are its children. */
  readonly spans: ActivationSpans;
}

export function createActivationRuntime(host: ActivationRuntimeHost): RunRuntime {
  const { db } = host.ctx;
  const runId = host.runId;
  return {
    runId,
    retry: host.job.definition.retry,
    parkThresholdMs: host.ctx.parkThresholdMs,
    clock: host.ctx.clock,
    stepKey: (invokeId) => stepKeyOf(runId, invokeId, host.visits().enter(invokeId)),
    log: (level: LogLevel, message: string, data?: unknown) =>
      host.append({
        type: "log",
        data: data === undefined ? { level, message } : { level, message, data },
      }),
    progress: (progress) => host.progress.report(progress),
    readJournal: (key) => readJournalEntry(db, runId, key),
    writeJournal: async (key, value) => {
      await writeJournalEntry(db, runId, key, value);
      return value;
    },
    offerPark: (deadline, withdraw) => host.steps.offerPark(deadline, withdraw),
    stepStarted: () => host.steps.stepStarted(),
    stepEnded: () => host.steps.stepEnded(),
    traceStep: (invokeId, attempt, work) => host.spans.step(invokeId, attempt, work),
    processRecords: async (invokeId, processor, input, signal) => {
      const row = host.row();
      const result = await runRecordStep({
        db,
        boss: host.ctx.boss,
        job: host.job,
        run: {
          id: runId,
          target: row.target,
          population: row.population,
          restoresRunId: row.restores_run_id,
          params: row.params,
        },
        invokeKey: `${invokeId}:${host.visits().enter(invokeId)}`,
        processor,
        input,
        signal,
      });
      if (result !== "await-parts") return result;
      // Parts run on any workers; this worker parks the run until the last part wakes it.
      host.awaitParts();
      return new Promise<never>(() => {});
    },
    importRecords: async (invokeId, importer, input) => {
      const summary = await importRows(db, {
        runId,
        invokeKey: `${invokeId}:${host.visits().enter(invokeId)}`,
        importer,
        input,
      });
      // The report is built at the end from the outcomes this import recorded.
      host.setRow({ ...host.row(), population: summary.rows, target: importer.target });
      return summary;
    },
    startMemberRuns: (invokeId, request, input, system) =>
      runMemberRunsStep({
        db,
        boss: host.ctx.boss,
        registry: host.ctx.registry,
        runId,
        stepKey: stepKeyOf(runId, invokeId, host.visits().enter(invokeId)),
        request,
        input,
        system,
        log: (level, message) => host.append({ type: "log", data: { level, message } }),
        steps: host.steps,
      }),
  };
}
