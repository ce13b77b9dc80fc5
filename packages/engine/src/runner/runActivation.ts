import { randomUUID } from "node:crypto";
import { messageOf } from "@docket/sdk";
import type { Actor, AnyStateMachine, InspectionEvent } from "xstate";
import type { RunError, RunRow, RunStatus } from "../database/schema.ts";
import { countRunEnded } from "../metrics/processMetrics.ts";
import type { RunReport } from "../records/report.ts";
import type { RegisteredJob } from "../registry/jobRegistry.ts";
import type { RunEventDataByType, RunEventEntry } from "../runs/runEventKinds.ts";
import { logActivationEnd } from "../telemetry/activationLog.ts";
import { type Logger, logger } from "../telemetry/logger.ts";
import { ActivationSpans } from "../telemetry/runSpans.ts";
import type { ActivationContext, ActivationOutcome, Settlement } from "./activationContext.ts";
import type { QueueJobAttempt, RunPatch } from "./checkpointWriter.ts";
import { claimActivation } from "./claimActivation.ts";
import type { FetchedClaim } from "./fetchActivations.ts";
import { handOverPlan, isHandOver } from "./handOverPlan.ts";
import { populateActivation } from "./populateActivation.ts";
import { ProgressThrottle } from "./progressThrottle.ts";
import { reportedStatus } from "./reportedStatus.ts";
import { createRunActor } from "./runActor.ts";
import { declaredEndOf, nameOf, stackOf, timeoutMessage } from "./runEndDetails.ts";
import { outputFilesToFinalize } from "./runFinalization.ts";
import { resolveRunVersion } from "./runVersion.ts";
import { commitFinalizedEnd } from "./sql/commitFinalizedEnd.ts";
import { type HandOverInput, type HandOverWake, handOverRun } from "./sql/handOverRun.ts";
import { StepsInFlight } from "./stepsInFlight.ts";

import { inFlightInvokeIds, isActiveSnapshot, StepVisits } from "./stepVisits.ts";

/**
 * One stretch of a run on one worker: claim the run, resume its actor from the
 * last checkpoint (or create it from its params), checkpoint every transition,
 * and end by finishing, parking, releasing or abandoning it.
 */
export class RunActivation {
  readonly runId: string;
  readonly #ctx: ActivationContext;
  readonly #job: RegisteredJob;
  readonly #queueJob: QueueJobAttempt;
  /** Its queue job was completed with the run's end, in one transaction: the worker has nothing to settle. */
  queueJobSettled = false;
  /** The lease this activation claims (or claimed) the run with. */
  get lease(): string {
    return this.#lease;
  }
  /** Called once the run's machine is done and only its end's commit is left (frees its worker slot). */
  #workDone: () => void = () => {};
  readonly #lease: string;
  /** The claim its fetch made (ungated jobs), else undefined: the activation claims the run itself. */
  readonly #fetchedClaim: FetchedClaim | undefined;
  #row: RunRow | undefined;
  #actor: Actor<AnyStateMachine> | undefined;
  /**
   * Until the actor exists, a settlement (worker stopping, abort, lost claim) is kept here and
   * applied when it does: dropping it would leave a stopping worker waiting for a run that
   * never hands over.
   */
  #settle: (settlement: Settlement) => void = (settlement) => {
    this.#early ??= settlement;
  };
  #early: Settlement | null = null;
  #settled = false;
  #stopped = false;
  #lastPersisted: unknown = null;
  /** The last checkpoint with the machine still active: where a declared failure is retried from. */
  #lastActive: unknown = null;
  #lastValue: unknown = null;
  #visits = new StepVisits({}, new Set());
  readonly #steps = new StepsInFlight(
    (settlement) => this.#settle(settlement),
    () => this.#settled,
  );
  readonly #progress = new ProgressThrottle(
    (value) => {
      this.#update({ progress: value });
      this.#append({ type: "progress", data: value });
    },
    () => this.#settled,
  );
  #timers: NodeJS.Timeout[] = [];
  /** Its span once the run is claimed (a child of the run's root span), and its log. */
  #spans: ActivationSpans | null = null;
  readonly #log: Logger;
  #failure: RunError | null = null;

  constructor(
    ctx: ActivationContext,
    job: RegisteredJob,
    runId: string,
    queueJob: QueueJobAttempt,
    fetchedClaim?: FetchedClaim,
  ) {
    this.#ctx = ctx;
    this.#job = job;
    this.runId = runId;
    this.#queueJob = queueJob;
    this.#fetchedClaim = fetchedClaim;
    this.#lease = fetchedClaim?.lease ?? randomUUID();
    this.#log = logger.child({ runId, jobId: job.id, workerId: ctx.workerId });
  }

  /** `callback` is called once only the commit of the run's end is left: the worker may start another run. */
  onWorkDone(callback: () => void): void {
    this.#workDone = callback;
  }

  /** Runs until the run ends or leaves this worker. Never throws for a run's own failure. */
  async execute(): Promise<ActivationOutcome> {
    let outcome: ActivationOutcome | "crashed" = "crashed";
    try {
      outcome = await this.#execute();
      if (this.#spans) logActivationEnd(this.#log, outcome, this.#failure);
      return outcome;
    } finally {
      this.#spans?.end(outcome, this.#failure?.message);
    }
  }

  async #execute(): Promise<ActivationOutcome> {
    let row = this.#fetchedClaim
      ? this.#fetchedClaim.row
      : await claimActivation(this.#ctx, this.#job, {
          runId: this.runId,
          queueJobId: this.#queueJob.id,
          lease: this.#lease,
        });
    if (!row) return "skipped";
    if (row === "waiting") return "waiting";
    this.#row = row;
    const spans = new ActivationSpans({
      runId: this.runId,
      jobId: this.#job.id,
      workerId: this.#ctx.workerId,
      traceParent: row.trace_parent,
      attempt: row.activations,
      state: () => this.#lastValue,
    });
    this.#spans = spans;
    if (row.status === "aborting") return this.#end("aborted", null);
    // Its machine finished before the worker finalizing it died: the work is done, so
    // neither a changed job version nor the timeout stands in the way of finishing.
    if (row.status === "finalizing") return this.#resumeFinalizing(row);
    const version = await resolveRunVersion(this.#ctx, this.#job, row, this.#lease);
    if (!version.goesOn) return version.leftWaiting ? "waiting" : "lease-lost";
    row = version.row;
    this.#row = row;
    if (row.deadline_at && row.deadline_at.getTime() <= Date.now()) {
      return this.#end("failed", {
        message: timeoutMessage(this.#job.timeoutMs),
        state: row.state_value,
      });
    }
    if (row.population === null && (row.set_id !== null || row.restores_run_id !== null)) {
      const populated = await populateActivation(this.#ctx, row, this.#lease);
      if (populated === "lease-lost") return "lease-lost";
      if (populated instanceof Error) return this.#end("failed", { message: populated.message });
      this.#row = { ...row, population: populated };
    }

    const outcome = new Promise<Settlement>((resolve) => {
      this.#settle = (settlement) => {
        if (this.#settled) return;
        this.#settled = true;
        resolve(settlement);
      };
    });
    const resumed = row.snapshot !== null;
    this.#visits = new StepVisits(
      row.step_visits,
      resumed ? inFlightInvokeIds(row.snapshot) : new Set(),
    );
    this.#lastPersisted = row.snapshot;
    this.#lastActive = isActiveSnapshot(row.snapshot) ? row.snapshot : null;
    this.#lastValue = row.state_value;
    this.#append({
      type: resumed ? "resumed" : "started",
      data: { activation: row.activations, worker: this.#ctx.workerId },
    });
    if (version.upgraded) this.#append({ type: "upgraded", data: version.upgraded });

    const actor = createRunActor({
      machine: this.#job.runnableMachine,
      row,
      inspect: (event) => this.#onInspect(event),
      runtime: {
        ctx: this.#ctx,
        job: this.#job,
        runId: this.runId,
        visits: () => this.#visits,
        row: () => this.#row!,
        setRow: (next) => {
          this.#row = next;
        },
        append: (event) => this.#append(event),
        progress: this.#progress,
        steps: this.#steps,
        awaitParts: () => this.#settle({ kind: "await-parts" }),
        spans,
      },
      settle: (settlement) => this.#settle(settlement),
    });
    if (actor instanceof Error)
      return this.#end("failed", { message: `Cannot resume the run: ${actor.message}` });
    this.#actor = actor;
    if (row.deadline_at) {
      const remaining = row.deadline_at.getTime() - Date.now();
      this.#timers.push(
        setTimeout(() => this.#settle({ kind: "timeout" }), Math.min(remaining, 2 ** 31 - 1)),
      );
    }
    if (this.#early) this.#settle(this.#early);
    else spans.within(() => actor.start());
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
    this.#steps.beginShutdown();
    this.#timers.push(setTimeout(() => this.#settle({ kind: "release" }), graceMs));
    this.#steps.checkQuiet();
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
    this.#append({
      type: "transition",
      data: {
        event: event.event.type,
        value: snapshot.value,
        ...(isRoot ? {} : { actor: (event.actorRef as { id?: string }).id }),
      },
    });
  }

  async #conclude(settlement: Settlement): Promise<ActivationOutcome> {
    const actor = this.#actor!;
    const stop = () => {
      this.#stopped = true;
      actor.stop();
    };
    this.#progress.flush();
    if (isHandOver(settlement)) {
      const handOver = handOverPlan(settlement, this.#row?.deadline_at ?? null);
      stop();
      await this.#handOver(handOver.wakeAt, handOver.event);
      return handOver.outcome;
    }
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
          ...stackOf(settlement.error, this.#job.file),
        });
      case "abort":
        stop();
        return this.#end("aborted", null);
      case "timeout":
        stop();
        return this.#end("failed", {
          message: timeoutMessage(this.#job.timeoutMs),
          state: this.#lastValue,
        });
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
      this.#append({ type: "status", data: { status: "finalizing", files } });
      await this.#ctx.writer.flush();
    }
    // A workflow's machine says how it ended (failed at a node, or with errors).
    const declared = declaredEndOf(output);
    const error =
      declared?.status === "failed" ? { message: declared.message, state: this.#lastValue } : null;
    return this.#end(
      declared?.status ?? "completed",
      error,
      { output: output ?? null },
      finalizing,
    );
  }

  /** A run found `finalizing`: its last checkpoint is the finished machine; finalize it again. */
  async #resumeFinalizing(row: RunRow): Promise<ActivationOutcome> {
    this.#lastPersisted = row.snapshot;
    this.#lastValue = row.state_value;
    this.#visits = new StepVisits(row.step_visits, new Set());
    this.#append({
      type: "resumed",
      data: { activation: row.activations, worker: this.#ctx.workerId },
    });
    return this.#finish((row.snapshot as { output?: unknown } | null)?.output);
  }

  async #end(
    status: RunStatus,
    error: RunError | null,
    extra: { readonly output?: unknown } = {},
    finalizing = false,
  ): Promise<ActivationOutcome> {
    const activation = this.#row?.activations;
    const runError = error
      ? { ...error, ...(activation === undefined ? {} : { activation }) }
      : null;
    this.#failure = runError;
    let report: RunReport | null;
    ({ status, report } = await reportedStatus(this.#ctx.db, this.#row, status, (message) =>
      this.#append({ type: "log", data: { level: "warn", message } }),
    ));
    const event: RunEventDataByType["status"] = {
      status,
      ...(runError ? { error: runError } : {}),
      ...extra,
    };
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
        jobTitle: this.#job.definition.title,
        delivery: this.#ctx.delivery,
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
      this.#append({ type: "status", data: event });
      const committing = this.#ctx.writer.complete(
        this.runId,
        this.#lease,
        this.#queueJob,
        this.#job.definition.title,
      );
      this.#workDone();
      this.queueJobSettled = await committing;
    }
    countRunEnded({
      jobId: this.#job.id,
      trigger: this.#row?.trigger.kind ?? "manual",
      status,
      startedAt: this.#row?.started_at ?? null,
      records: report,
    });
    this.#ctx.runEnded(this.runId, this.#job.id, {
      // A finalized end writes its notifications in its own transaction.
      notified: finalizing || this.queueJobSettled,
      parentRunId: this.#row?.parent_run_id ?? null,
      workflowId: this.#row?.workflow_id ?? null,
      aborted: status === "aborted",
    });
    return status as ActivationOutcome;
  }

  /** Hands the run to its next activation (see `handOverRun`) once its queued checkpoints are committed. */
  async #handOver(wakeAt: HandOverWake, event: HandOverInput["event"]): Promise<void> {
    await this.#ctx.writer.flush();
    await handOverRun(this.#ctx.db, this.#ctx.boss, {
      runId: this.runId,
      lease: this.#lease,
      wakeAt,
      snapshot: this.#lastPersisted,
      stateValue: this.#lastValue,
      stepVisits: this.#visits.toJSON(),
      event,
    });
  }

  #update(patch: RunPatch): void {
    this.#ctx.writer.update(this.runId, this.#lease, patch);
  }

  #append(event: RunEventEntry): void {
    this.#ctx.writer.append(this.runId, this.#lease, event);
  }
}
