import { randomUUID } from "node:crypto";
import { messageOf } from "@docket/sdk";
import { bindRunRuntime, type LogLevel, type RunRuntime } from "@docket/sdk/runtime";
import type { Kysely } from "kysely";
import type { PgBoss } from "pg-boss";
import { type Actor, type AnyStateMachine, createActor, type InspectionEvent } from "xstate";
import type { Database, RunError, RunRow, RunStatus } from "../database/schema.ts";
import { checkGates } from "../gates/checkGates.ts";
import { type GatePolicy, isUngated } from "../gates/gatePolicy.ts";
import { importRows } from "../records/importRows.ts";
import { runRecordStep } from "../records/recordStep.ts";
import { buildReport, type RunReport } from "../records/report.ts";
import type { RegisteredJob } from "../registry/jobRegistry.ts";
import type { CheckpointWriter, RunPatch } from "./checkpointWriter.ts";
import { ProgressThrottle } from "./progressThrottle.ts";
import { outputFilesToFinalize } from "./runFinalization.ts";
import { bindRunSuspension, type RunSuspension } from "./runSuspension.ts";
import { claimRun } from "./sql/claimRun.ts";
import { commitFinalizedEnd } from "./sql/commitFinalizedEnd.ts";
import { type HandOverWake, handOverRun } from "./sql/handOverRun.ts";
import { leaveRunWaiting } from "./sql/leaveRunWaiting.ts";
import { lockRunAtGates } from "./sql/lockRunAtGates.ts";
import { readJournalEntry, writeJournalEntry } from "./sql/runJournal.ts";
import { analyzeRunMembers, writePopulation } from "./sql/writePopulation.ts";
import { inFlightInvokeIds, isActiveSnapshot, StepVisits, stepKeyOf } from "./stepVisits.ts";

export interface ActivationContext {
  readonly db: Kysely<Database>;
  readonly boss: PgBoss;
  readonly writer: CheckpointWriter;
  readonly workerId: string;
  readonly parkThresholdMs: number;
  /** Gates of a job type (conflicts, exclusivity, waits). */
  readonly gatesOf: (job: RegisteredJob) => GatePolicy;
  /** Most runs executing at once across all workers; `null`: no limit. */
  readonly maxRunningRuns: number | null;
  readonly titleOf: (jobId: string) => string;
  /** Called after a run ended: lets runs waiting at gates re-check them. */
  readonly runEnded: (runId: string, jobId: string) => void;
}

/** How one activation of a run ended. */
export type ActivationOutcome =
  | "waiting"
  | "completed"
  | "completed_with_errors"
  | "failed"
  | "aborted"
  | "parked"
  | "released"
  | "lease-lost"
  | "skipped";

type Settlement =
  | { kind: "done" }
  | { kind: "error"; error: unknown }
  | { kind: "abort" }
  | { kind: "timeout" }
  | { kind: "park"; until: Date }
  | { kind: "await-parts" }
  | { kind: "suspend"; suspension: RunSuspension }
  | { kind: "release" }
  | { kind: "lease-lost" };

/** A run waiting at a gate re-checks it this often even if no ending run wakes it. */
const gateRecheckMs = 15_000;

/**
 * One stretch of a run on one worker: claim the run, restore its actor from the
 * last checkpoint (or create it from its params), checkpoint every transition,
 * and end by finishing, parking, releasing or abandoning it.
 */
export class RunActivation {
  readonly runId: string;
  readonly #ctx: ActivationContext;
  readonly #job: RegisteredJob;
  readonly #queueJobId: string;
  readonly #lease = randomUUID();
  #row: RunRow | undefined;
  #actor: Actor<AnyStateMachine> | undefined;
  #settle: (settlement: Settlement) => void = () => {};
  #settled = false;
  #stopped = false;
  #lastPersisted: unknown = null;
  /** The last checkpoint with the machine still active: where a declared failure is retried from. */
  #lastActive: unknown = null;
  #lastValue: unknown = null;
  #visits = new StepVisits({}, new Set());
  #stepsInFlight = 0;
  #parkOffers = new Set<{ deadline: Date }>();
  #shuttingDown = false;
  readonly #progress = new ProgressThrottle(
    (value) => {
      this.#update({ progress: value });
      this.#append("progress", value);
    },
    () => this.#settled,
  );
  #timers: NodeJS.Timeout[] = [];

  constructor(ctx: ActivationContext, job: RegisteredJob, runId: string, queueJobId: string) {
    this.#ctx = ctx;
    this.#job = job;
    this.runId = runId;
    this.#queueJobId = queueJobId;
  }

  /** Runs until the run ends or leaves this worker. Never throws for a run's own failure. */
  async execute(): Promise<ActivationOutcome> {
    const row = await this.#claim();
    if (!row) return "skipped";
    if (row === "waiting") return "waiting";
    this.#row = row;
    if (row.status === "aborting") return this.#endWithoutActor("aborted", null);
    // Its machine finished before the worker finalizing it died: the work is done, so
    // neither a changed job version nor the timeout stands in the way of finishing.
    if (row.status === "finalizing") return this.#resumeFinalizing(row);
    if (row.machine_version !== this.#job.version) {
      return this.#endWithoutActor("failed", {
        message:
          `Job "${this.#job.id}" changed since this run started (machine version ${row.machine_version}, ` +
          `now ${this.#job.version}); the run cannot resume on a different machine. Start a new run.`,
        state: row.state_value,
      });
    }
    if (row.deadline_at && row.deadline_at.getTime() <= Date.now()) {
      return this.#endWithoutActor("failed", {
        message: this.#timeoutMessage(),
        state: row.state_value,
      });
    }
    if (row.population === null && (row.set_id !== null || row.restores_run_id !== null)) {
      const populated = await this.#populate(row);
      if (populated === "lease-lost") return "lease-lost";
      if (populated instanceof Error)
        return this.#endWithoutActor("failed", { message: populated.message });
      this.#row = { ...row, population: populated };
    }

    const outcome = new Promise<Settlement>((resolve) => {
      this.#settle = (settlement) => {
        if (this.#settled) return;
        this.#settled = true;
        resolve(settlement);
      };
    });
    const restored = row.snapshot !== null;
    this.#visits = new StepVisits(
      row.step_visits,
      restored ? inFlightInvokeIds(row.snapshot) : new Set(),
    );
    this.#lastPersisted = row.snapshot;
    this.#lastActive = isActiveSnapshot(row.snapshot) ? row.snapshot : null;
    this.#lastValue = row.state_value;
    this.#append(restored ? "resumed" : "started", {
      activation: row.activations,
      worker: this.#ctx.workerId,
    });

    let actor: Actor<AnyStateMachine>;
    try {
      actor = createActor(this.#job.runnableMachine, {
        ...(restored
          ? { snapshot: row.snapshot as never, input: undefined }
          : { input: row.params }),
        inspect: (event) => this.#onInspect(event),
      });
    } catch (error) {
      return this.#endWithoutActor("failed", {
        message: `Cannot restore the run: ${messageOf(error)}`,
      });
    }
    this.#actor = actor;
    bindRunRuntime(actor.system, this.#runtime());
    bindRunSuspension(actor.system, (suspension) => this.#settle({ kind: "suspend", suspension }));
    actor.subscribe({
      complete: () => this.#settle({ kind: "done" }),
      error: (error) => this.#settle({ kind: "error", error }),
    });
    if (row.deadline_at) {
      const remaining = row.deadline_at.getTime() - Date.now();
      this.#timers.push(
        setTimeout(() => this.#settle({ kind: "timeout" }), Math.min(remaining, 2 ** 31 - 1)),
      );
    }
    actor.start();
    if (actor.getSnapshot().status === "error")
      this.#settle({ kind: "error", error: actor.getSnapshot().error });

    try {
      return await this.#conclude(await outcome);
    } finally {
      for (const timer of this.#timers) clearTimeout(timer);
      this.#progress.stop();
    }
  }

  /** The run's status became `aborting`: stop in-flight steps and end `aborted`. */
  requestAbort(): void {
    this.#settle({ kind: "abort" });
  }

  /** Another activation took the run over (or pg-boss lost our claim): stop silently. */
  leaseLost(): void {
    this.#settle({ kind: "lease-lost" });
  }

  /** Worker stopping: let in-flight steps finish for up to `graceMs`, then hand the run over. */
  beginShutdown(graceMs: number): void {
    this.#shuttingDown = true;
    this.#timers.push(setTimeout(() => this.#settle({ kind: "release" }), graceMs));
    this.#checkQuiet();
  }

  /**
   * Claims the run for this activation. A run that has not started yet first
   * passes its job's gates, under a global lock, in the same transaction as the
   * claim; a blocked run is left `queued` (or `pending`) with its reason.
   */
  async #claim(): Promise<RunRow | "waiting" | undefined> {
    const policy = this.#ctx.gatesOf(this.#job);
    const claim = {
      runId: this.runId,
      queueJobId: this.#queueJobId,
      lease: this.#lease,
      workerId: this.#ctx.workerId,
      timeoutMs: this.#job.timeoutMs,
    };
    if (isUngated(policy, this.#ctx.maxRunningRuns)) return claimRun(this.#ctx.db, claim);
    return this.#ctx.db.transaction().execute(async (trx) => {
      const current = await lockRunAtGates(trx, this.runId, this.#queueJobId);
      if (!current) return undefined;
      if (current.status === "pending" || current.status === "queued") {
        const decision = await checkGates(
          trx,
          { id: current.id, jobId: current.job_id, createdAt: current.created_at },
          policy,
          this.#ctx.maxRunningRuns,
          this.#ctx.titleOf,
        );
        if (decision.kind !== "pass") {
          // A backstop re-check, in case no ending run wakes it.
          await leaveRunWaiting(trx, this.#ctx.boss, {
            runId: this.runId,
            queue: this.#job.queue,
            decision,
            priority: current.priority,
            recheckAfterMs: gateRecheckMs,
          });
          return "waiting" as const;
        }
      }
      return claimRun(trx, claim);
    });
  }

  /**
   * Fixes the run's population (status `initializing`) in one transaction with
   * the run's `population` count, under this activation's lease.
   */
  async #populate(row: RunRow): Promise<number | Error | "lease-lost"> {
    this.#append("status", { status: "initializing" });
    this.#update({ status: "initializing" });
    await this.#ctx.writer.flush();
    try {
      const population = await writePopulation(this.#ctx.db, row, this.#lease);
      if (population !== "lease-lost") {
        this.#append("population", { members: population });
        await analyzeRunMembers(this.#ctx.db);
      }
      return population;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  #onInspect(event: InspectionEvent): void {
    // XState notifies `complete` before inspecting the final snapshot, so only a
    // stopped actor (abort, park, hand-over) is ignored here, not a settled one.
    if (this.#stopped || event.type !== "@xstate.snapshot") return;
    const snapshot = event.snapshot as { value?: unknown; status?: string };
    if (!("value" in snapshot)) return; // promise actors: their outcome shows as the parent's transition
    const actor = this.#actor;
    if (!actor) return;
    const isRoot = event.actorRef === actor;
    if (isRoot) this.#lastValue = snapshot.value;
    const persisted = actor.getPersistedSnapshot() as { status?: string };
    // A failed run keeps its last good checkpoint (the failing step still in flight;
    // the error snapshot has no children), so a retry resumes the step that failed.
    if (persisted.status !== "error") this.#lastPersisted = persisted;
    if (persisted.status === "active") this.#lastActive = persisted;
    this.#update({
      snapshot: this.#lastPersisted,
      state_value: this.#lastValue,
      step_visits: this.#visits.toJSON(),
    });
    this.#append("transition", {
      event: event.event.type,
      value: snapshot.value,
      ...(isRoot ? {} : { actor: (event.actorRef as { id?: string }).id }),
    });
  }

  #runtime(): RunRuntime {
    const { db } = this.#ctx;
    const runId = this.runId;
    return {
      runId,
      retry: this.#job.definition.retry,
      parkThresholdMs: this.#ctx.parkThresholdMs,
      stepKey: (invokeId) => stepKeyOf(runId, invokeId, this.#visits.enter(invokeId)),
      log: (level: LogLevel, message: string, data?: unknown) =>
        this.#append("log", data === undefined ? { level, message } : { level, message, data }),
      progress: (progress) => this.#progress.report(progress),
      readJournal: (key) => readJournalEntry(db, runId, key),
      writeJournal: async (key, value) => {
        await writeJournalEntry(db, runId, key, value);
        return value;
      },
      offerPark: (deadline, withdraw) => {
        const offer = { deadline };
        this.#parkOffers.add(offer);
        withdraw.addEventListener("abort", () => this.#parkOffers.delete(offer), { once: true });
        setImmediate(() => this.#checkPark());
      },
      stepStarted: () => {
        this.#stepsInFlight++;
      },
      stepEnded: () => {
        this.#stepsInFlight--;
        setImmediate(() => this.#checkQuiet());
      },
      processRecords: async (invokeId, processor, input, signal) => {
        const row = this.#row!;
        const result = await runRecordStep({
          db,
          boss: this.#ctx.boss,
          job: this.#job,
          run: {
            id: runId,
            target: row.target,
            population: row.population,
            restoresRunId: row.restores_run_id,
            params: row.params,
          },
          invokeKey: `${invokeId}:${this.#visits.enter(invokeId)}`,
          processor,
          input,
          signal,
        });
        if (result !== "await-parts") return result;
        // Parts run on any workers; this worker parks the run until the last part wakes it.
        this.#settle({ kind: "await-parts" });
        return new Promise<never>(() => {});
      },
      importRecords: async (invokeId, importer, input) => {
        const summary = await importRows(db, {
          runId,
          invokeKey: `${invokeId}:${this.#visits.enter(invokeId)}`,
          importer,
          input,
        });
        // The report is built at the end from the outcomes this import recorded.
        this.#row = { ...this.#row!, population: summary.rows, target: importer.target };
        return summary;
      },
    };
  }

  /** Park when every in-flight step is a sleep long enough to be worth freeing the worker. */
  #checkPark(): void {
    if (this.#settled || this.#parkOffers.size === 0 || this.#parkOffers.size < this.#stepsInFlight)
      return;
    const until = new Date(
      Math.min(...[...this.#parkOffers].map((offer) => offer.deadline.getTime())),
    );
    this.#settle({ kind: "park", until });
  }

  #checkQuiet(): void {
    if (this.#shuttingDown && this.#stepsInFlight === 0) this.#settle({ kind: "release" });
  }

  async #conclude(settlement: Settlement): Promise<ActivationOutcome> {
    const actor = this.#actor!;
    const stop = () => {
      this.#stopped = true;
      actor.stop();
    };
    this.#progress.flush();
    switch (settlement.kind) {
      case "done": {
        const output = actor.getSnapshot().output;
        // Its snapshot is the finished one; a retry resumes at the node that failed.
        if (declaredEndOf(output)?.status === "failed")
          this.#update({ resume_snapshot: this.#lastActive });
        return this.#finish(output);
      }
      case "error":
        return this.#end("failed", {
          message: messageOf(settlement.error),
          state: this.#lastValue,
          ...nameOf(settlement.error),
        });
      case "abort":
        stop();
        return this.#end("aborted", null);
      case "timeout":
        stop();
        return this.#end("failed", { message: this.#timeoutMessage(), state: this.#lastValue });
      case "park": {
        stop();
        // Wake for the run's timeout too, so a parked run cannot outlive it.
        const deadline = this.#row?.deadline_at?.getTime() ?? Number.POSITIVE_INFINITY;
        const until = new Date(Math.min(settlement.until.getTime(), deadline));
        await this.#handOver(until, "parked", { until: until.toISOString() });
        return "parked";
      }
      case "suspend": {
        stop();
        const { until, ready, reason } = settlement.suspension;
        const deadline = this.#row?.deadline_at?.getTime() ?? Number.POSITIVE_INFINITY;
        const wakeAt = new Date(Math.min(until.getTime(), deadline));
        await this.#handOver({ until: wakeAt, ready }, "suspended", {
          until: wakeAt.toISOString(),
          reason,
        });
        return "parked";
      }
      case "await-parts":
        stop();
        await this.#handOver("when-parts-end", "awaiting-parts", {});
        return "parked";
      case "release":
        stop();
        await this.#handOver(null, "released", {
          reason: "The worker is shutting down; another worker resumes the run.",
        });
        return "released";
      case "lease-lost":
        stop();
        return "lease-lost";
    }
  }

  /**
   * The machine reached its final state. A run that wrote output files is
   * `finalizing` (committed with the final checkpoint) until its end is written
   * with its report and notifications; any other run ends at once.
   */
  async #finish(output: unknown): Promise<ActivationOutcome> {
    const files = await outputFilesToFinalize(this.#ctx.db, this.#job, this.runId);
    const finalizing = files.length > 0;
    if (finalizing) {
      this.#update({ status: "finalizing" });
      this.#append("status", { status: "finalizing", files });
      await this.#ctx.writer.flush();
    }
    // A workflow's machine says how it ended (failed at a node, or with errors).
    const declared = declaredEndOf(output);
    if (declared?.status === "failed")
      return this.#end(
        "failed",
        { message: declared.message, state: this.#lastValue },
        { output },
        finalizing,
      );
    if (declared) return this.#end(declared.status, null, { output }, finalizing);
    return this.#end("completed", null, { output: output ?? null }, finalizing);
  }

  /** A run found `finalizing`: its last checkpoint is the finished machine; finalize it again. */
  async #resumeFinalizing(row: RunRow): Promise<ActivationOutcome> {
    this.#lastPersisted = row.snapshot;
    this.#lastValue = row.state_value;
    this.#visits = new StepVisits(row.step_visits, new Set());
    this.#append("resumed", { activation: row.activations, worker: this.#ctx.workerId });
    return this.#finish((row.snapshot as { output?: unknown } | null)?.output);
  }

  async #end(
    status: RunStatus,
    error: RunError | null,
    extra: Record<string, unknown> = {},
    finalizing = false,
  ): Promise<ActivationOutcome> {
    const activation = this.#row?.activations;
    const runError = error ? { ...error, activation } : null;
    let report: RunReport | null = null;
    if (this.#row && this.#row.population !== null) {
      report = await buildReport(this.#ctx.db, this.runId, this.#row.started_at);
      // Finished, but some records failed: the report lists them.
      if (status === "completed" && report.failed > 0) status = "completed_with_errors";
      // Its input had records and it processed none: never "completed" for work not done.
      if (status === "completed" && report.total > 0 && report.processed === 0) {
        status = "completed_with_errors";
        this.#append("log", {
          level: "warn",
          message: `The run ended without processing any of its ${report.total} records.`,
        });
      }
    }
    const event = { status, ...(runError ? { error: runError } : {}), ...extra };
    if (finalizing) {
      await this.#ctx.writer.flush();
      const ended = await commitFinalizedEnd(this.#ctx.db, {
        runId: this.runId,
        lease: this.#lease,
        status,
        error: runError,
        report,
        snapshot: this.#lastPersisted,
        stateValue: this.#lastValue,
        stepVisits: this.#visits.toJSON(),
        event,
        jobTitle: this.#ctx.titleOf(this.#job.id),
      });
      if (!ended) return "lease-lost";
    } else {
      this.#update({
        status,
        snapshot: this.#lastPersisted,
        state_value: this.#lastValue,
        step_visits: this.#visits.toJSON(),
        error: runError,
        ended_at: new Date().toISOString(),
        lease: null,
        ...(report ? { report } : {}),
      });
      this.#append("status", event);
      await this.#ctx.writer.flush();
    }
    this.#ctx.runEnded(this.runId, this.#job.id);
    return status as ActivationOutcome;
  }

  async #endWithoutActor(
    status: "failed" | "aborted",
    error: RunError | null,
  ): Promise<ActivationOutcome> {
    return this.#end(status, error);
  }

  /** Hands the run to its next activation (see `handOverRun`) once its queued checkpoints are committed. */
  async #handOver(wakeAt: HandOverWake, eventType: string, data: unknown): Promise<void> {
    await this.#ctx.writer.flush();
    await handOverRun(this.#ctx.db, this.#ctx.boss, {
      runId: this.runId,
      lease: this.#lease,
      queue: this.#job.queue,
      priority: this.#row?.priority ?? 0,
      wakeAt,
      snapshot: this.#lastPersisted,
      stateValue: this.#lastValue,
      stepVisits: this.#visits.toJSON(),
      eventType,
      data,
    });
  }

  #update(patch: RunPatch): void {
    this.#ctx.writer.update(this.runId, this.#lease, patch);
  }

  #append(type: string, data: unknown): void {
    this.#ctx.writer.append(this.runId, this.#lease, { type, data });
  }

  #timeoutMessage(): string {
    return `Timed out: the run did not end within the job's timeout of ${formatDuration(this.#job.timeoutMs ?? 0)}.`;
  }
}

/** How a workflow's finished machine says it ended (failed at a node, or with errors); null: completed. */
function declaredEndOf(
  output: unknown,
): { status: "failed" | "completed_with_errors"; message: string } | null {
  const declared = output as { $status?: RunStatus; $error?: string } | null | undefined;
  if (declared?.$status !== "failed" && declared?.$status !== "completed_with_errors") return null;
  return { status: declared.$status, message: declared.$error ?? "Failed" };
}

function nameOf(error: unknown): { name?: string } {
  return error instanceof Error && error.name !== "Error" ? { name: error.name } : {};
}

function formatDuration(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round(ms / 360_000) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
