import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { appRouter, type Caller, createApiContext, createCaller } from "@docket/api";
import type { Engine } from "@docket/engine";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { repoJobsDir } from "./support/fixtureJobsDir.ts";
import {
  createInstitution,
  digestChanges,
  insertInstitutionCatalog,
  institutionDigest,
  sessionCaller,
} from "./support/institutions.ts";
import { jobFilesDir } from "./support/jobFiles.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestEngine, type TestEngine, waitForStatus } from "./support/testEngine.ts";

/**
 * Isolation between institutions, enumerated from the router as the
 * permission matrix is: institution A (`main`) and B (`riverside`) each hold a
 * catalog, users, sets, a schedule, a workflow, runs in every state, a
 * subscription, a token, an upload and an event, all made through the engine.
 * Every procedure is called by A's admin, staff and viewer on B's ids (and on
 * ids nobody has, to compare): B's ids answer exactly as unknown ones, no
 * answer or error holds anything of B, and B's rows (digested through the
 * database) never change. A third, empty institution sees nothing at all, and
 * the Network Zone's network role reads both and changes nothing.
 */

type Api = ReturnType<typeof createCaller>;

const A = "main";
const B = "riverside";
const Q = "quiet";
const NZ = "network";
/** In every name and text of B: an answer holding it shows something of B. */
const markOfB = "RIVERSIDE-MARK";
const markOfA = "MAIN-MARK";
const password = "isolation password";
/** The event B's workflow starts on and waits for, and a job of the catalog starts on. */
const sharedEvent = "isolation.mark";

/** The ids of one institution's things (or ids nobody has: {@link unknownTarget}). */
interface Target {
  readonly runs: {
    readonly pending: string;
    readonly parked: string;
    readonly completed: string;
    readonly failed: string;
    readonly aborted: string;
    readonly workflow: string;
    readonly child: string;
  };
  readonly setId: string;
  readonly logicalSetId: string;
  readonly scheduleId: string;
  readonly workflowId: string;
  readonly subscriptionId: string;
  readonly subscriptionEmail: string;
  readonly tokenId: string;
  readonly uploadId: string;
  readonly userName: string;
  readonly userId: string;
  readonly itemIds: readonly number[];
  readonly barcodes: readonly string[];
  readonly eventName: string;
  /** The institution's code. */
  readonly code: string;
}

type RunKind = keyof Target["runs"];
const runKinds: readonly RunKind[] = [
  "pending",
  "parked",
  "completed",
  "failed",
  "aborted",
  "workflow",
  "child",
];

function unknownTarget(): Target {
  const id = () => randomUUID();
  const runs = Object.fromEntries(runKinds.map((kind) => [kind, id()])) as Target["runs"];
  return {
    runs,
    setId: id(),
    logicalSetId: id(),
    scheduleId: id(),
    workflowId: id(),
    subscriptionId: id(),
    subscriptionEmail: `nobody-${id().slice(0, 8)}@example.edu`,
    tokenId: id(),
    uploadId: id(),
    userName: `nobody-${id().slice(0, 8)}`,
    userId: id(),
    // As many as B has, so messages that count them read alike.
    itemIds: Array.from({ length: 10 }, (_, i) => 990_001 + i),
    barcodes: Array.from({ length: 10 }, (_, i) => `NOBODY-${id().slice(0, 6)}-${i}`),
    eventName: `nobody-${id().slice(0, 8)}.event`,
    code: `nobody-${id().slice(0, 8)}`,
  };
}

// ---------------------------------------------------------------------------
// What each procedure is called with, and what A's admin must get.

/**
 * What A's admin gets on B's ids: `ok` (an answer narrowed to A), an error
 * code, `error` (any error), or `same` (whatever an unknown id gets). For
 * every role and every case, B's ids must answer as unknown ids do.
 */
type Expect = "ok" | "error" | "same" | "any" | TRPCError["code"];

interface Case {
  readonly expect: Expect;
  readonly call: (api: Api, io: Io) => Promise<unknown>;
  /** The answers too must read alike (not only errors), once ids are replaced. */
  readonly sameAnswer?: true;
  /** How many things of the caller's institution the answer counts (an empty institution: 0). */
  readonly counted?: (answer: never) => number;
}

/** Streams: read the first items of a subscription within a deadline. */
interface Io {
  stream<T>(open: (api: Api) => Promise<AsyncIterable<T>>, items: number): Promise<T[]>;
}

type Cases = (b: Target, own: Target) => Record<string, Case>;

const ok = (call: Case["call"], counted?: Case["counted"]): Case =>
  counted ? { expect: "ok", call, counted } : { expect: "ok", call };
const notFound = (call: Case["call"]): Case => ({ expect: "NOT_FOUND", call });
const same = (call: Case["call"]): Case => ({ expect: "same", call });
const failing = (call: Case["call"]): Case => ({ expect: "error", call });
/** No answer is prescribed; it must still leak and change nothing. */
const anything = (call: Case["call"]): Case => ({ expect: "any", call });
const sameAnswer = (call: Case["call"]): Case => ({ expect: "ok", call, sameAnswer: true });
const single =
  (c: Case): Cases =>
  () => ({ "": c });
/** One case per run of B (pending, parked, completed, failed, aborted, workflow run and its child). */
const perRun =
  (call: (api: Api, id: string, io: Io) => Promise<unknown>, expect: Expect = "NOT_FOUND"): Cases =>
  (b) =>
    Object.fromEntries(
      runKinds.map((kind) => [kind, { expect, call: (api, io) => call(api, b.runs[kind], io) }]),
    );

const length = (answer: readonly unknown[]) => answer.length;
const values = (answer: { values: readonly unknown[] }) => answer.values.length;
/** Staff are always offered their own name: other names are what a list of creators counts. */
const otherCreators = (answer: readonly string[]) =>
  answer.filter((name) => !name.startsWith(`${Q}-`)).length;
const fresh = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

function workflowDefinition(name: string, setId?: string) {
  return {
    name,
    nodes: [
      {
        id: "change",
        kind: "job" as const,
        jobId: "items.change-policy",
        params: { policy: "Short loan" },
        ...(setId ? { setId } : {}),
      },
    ],
    edges: [],
  };
}

const rows: Record<string, Cases> = {
  health: single(ok((api) => api.health())),
  "auth.login": single(ok((api) => api.auth.login({ name: "main-admin", password }))),
  "auth.logout": single(ok((api) => api.auth.logout())),
  "auth.me": single(ok((api) => api.auth.me())),
  "auth.changePassword": single(
    ok((api) => api.auth.changePassword({ currentPassword: password, newPassword: password })),
  ),
  "users.list": single(ok((api) => api.users.list())),
  "users.get": (b) => ({
    byName: notFound((api) => api.users.get({ user: b.userName })),
    byId: notFound((api) => api.users.get({ user: b.userId })),
  }),
  "users.create": single(
    ok((api) => api.users.create({ name: fresh("main-user"), role: "viewer", password })),
  ),
  "users.setRole": (b) => ({
    byName: notFound((api) => api.users.setRole({ user: b.userName, role: "viewer" })),
    byId: notFound((api) => api.users.setRole({ user: b.userId, role: "admin" })),
  }),
  "users.setDisabled": (b) => ({
    byName: notFound((api) => api.users.setDisabled({ user: b.userName, disabled: true })),
    byId: notFound((api) => api.users.setDisabled({ user: b.userId, disabled: true })),
  }),
  "users.resetPassword": (b) => ({
    byName: notFound((api) =>
      api.users.resetPassword({ user: b.userName, password: "taken over now" }),
    ),
    byId: notFound((api) => api.users.resetPassword({ user: b.userId, password: "taken over" })),
  }),
  "tokens.list": () => ({
    mine: ok((api) => api.tokens.list()),
    all: same((api) => api.tokens.list({ all: true })),
  }),
  "tokens.create": (b) => ({
    forUserOfB: notFound((api) => api.tokens.create({ name: "isolation", userName: b.userName })),
  }),
  "tokens.revoke": (b) => ({ tokenOfB: notFound((api) => api.tokens.revoke({ id: b.tokenId })) }),
  "institutions.list": single(ok((api) => api.institutions.list())),
  "institutions.get": (b) => ({
    codeOfB: notFound((api) => api.institutions.get({ code: b.code })),
  }),
  "jobs.list": single(ok((api) => api.jobs.list({ includeInternal: true }))),
  "jobs.get": single(ok((api) => api.jobs.get({ id: "examples.reminder" }))),
  "jobs.versions": () => ({
    // B's parked reminder is on this job's version: A counts only its own runs.
    reminder: ok(
      (api) => api.jobs.versions({ id: "examples.reminder" }),
      (answer: { inFlight: { runs?: number; count?: number }[] }) =>
        answer.inFlight.reduce((sum, v) => sum + Number(v.runs ?? v.count ?? 1), 0),
    ),
  }),
  "runs.start": (b) => ({
    onSetOfB: failing((api) =>
      api.runs.start({
        jobId: "items.change-policy",
        params: { policy: "Short loan" },
        setId: b.setId,
      }),
    ),
    uploadOfB: failing((api) =>
      api.runs.start({ jobId: "records.import-csv", params: { file: b.uploadId } }),
    ),
  }),
  "runs.dryRun": (b) => ({
    onSetOfB: failing((api) =>
      api.runs.dryRun({
        jobId: "items.change-policy",
        params: { policy: "Short loan" },
        setId: b.setId,
      }),
    ),
    uploadOfB: failing((api) =>
      api.runs.dryRun({ jobId: "records.import-csv", params: { file: b.uploadId } }),
    ),
  }),
  "runs.estimateDuration": (b) => ({
    // B's completed change-policy run is the only one to estimate from.
    fromHistory: ok(
      (api) => api.runs.estimateDuration({ jobId: "items.change-policy", population: 10 }),
      (answer: { kind: string }) => (answer.kind === "none" ? 0 : 1),
    ),
    excludingRunOfB: same((api) =>
      api.runs.estimateDuration({
        jobId: "items.change-policy",
        population: 10,
        excludeRunId: b.runs.completed,
      }),
    ),
  }),
  "runs.list": () => ({
    all: ok(
      (api) => api.runs.list({ limit: 500 }),
      (answer: { runs: unknown[] }) => answer.runs.length,
    ),
    filteredToB: ok(
      (api) => api.runs.list({ institution: B, limit: 500 } as never),
      (answer: { runs: unknown[] }) => answer.runs.length,
    ),
    text: ok(
      (api) => api.runs.list({ text: "mark", limit: 500 }),
      (answer: { runs: unknown[] }) => answer.runs.length,
    ),
  }),
  "runs.counts": () => ({
    all: ok(
      (api) => api.runs.counts(),
      (answer: { byStatus: Record<string, number> }) =>
        Object.values(answer.byStatus).reduce((sum, n) => sum + n, 0),
    ),
    filteredToB: ok(
      (api) => api.runs.counts({ institution: B } as never),
      (answer: { byStatus: Record<string, number> }) =>
        Object.values(answer.byStatus).reduce((sum, n) => sum + n, 0),
    ),
  }),
  "runs.creators": () => ({
    any: ok((api) => api.runs.creators({ prefix: "", limit: 50 }), otherCreators),
    r: ok((api) => api.runs.creators({ prefix: "r", limit: 50 }), otherCreators),
  }),
  "runs.exportHistoryCsv": () => ({
    all: ok((api) => api.runs.exportHistoryCsv({})),
    filteredToB: ok((api) => api.runs.exportHistoryCsv({ institution: B } as never)),
  }),
  "runs.get": perRun((api, id) => api.runs.get({ id })),
  "runs.history": perRun((api, id) => api.runs.history({ id })),
  "runs.logs": perRun((api, id) => api.runs.logs({ id })),
  "runs.report": perRun((api, id) => api.runs.report({ id })),
  "runs.records": perRun((api, id) => api.runs.records({ id })),
  "runs.files": perRun((api, id) => api.runs.files({ id })),
  "runs.events": perRun((_api, id, io) =>
    io.stream((api) => api.runs.events({ id }) as Promise<AsyncIterable<unknown>>, 2),
  ),
  "runs.activity": single(
    ok((_api, io) => io.stream((api) => api.runs.activity() as Promise<AsyncIterable<unknown>>, 1)),
  ),
  "runs.restore": perRun((api, id) => api.runs.restore({ id, overwriteLaterChanges: true })),
  "runs.abort": perRun((api, id) => api.runs.abort({ id })),
  "runs.retry": perRun((api, id) => api.runs.retry({ id })),
  "runs.abortMany": (b) => ({
    runsOfB: sameAnswer((api) => api.runs.abortMany({ ids: runKinds.map((k) => b.runs[k]) })),
  }),
  "runs.retryMany": (b) => ({
    runsOfB: sameAnswer((api) => api.runs.retryMany({ ids: runKinds.map((k) => b.runs[k]) })),
  }),
  "runs.restartOnCurrentVersion": (b) => ({
    ...Object.fromEntries(
      runKinds.map((kind) => [
        kind,
        notFound((api) => api.runs.restartOnCurrentVersion({ id: b.runs[kind] })),
      ]),
    ),
    jobOfB: ok(
      (api) => api.runs.restartOnCurrentVersion({ jobId: "examples.reminder" }),
      (answer: { restarted: unknown[] }) => answer.restarted.length,
    ),
  }),
  "runs.clearInactive": () => ({
    mine: ok((api) => api.runs.clearInactive({ scope: "mine" })),
    all: ok((api) => api.runs.clearInactive({ scope: "all" })),
  }),
  "runs.countInactive": () => ({
    all: ok(
      (api) => api.runs.countInactive({ scope: "all" }),
      (answer: { runs?: number; count?: number }) => Number(answer.runs ?? answer.count ?? 0),
    ),
  }),
  "sets.list": () => ({
    all: ok((api) => api.sets.list(), length),
    items: ok((api) => api.sets.list({ target: "items" }), length),
  }),
  "sets.get": (b) => ({
    itemized: notFound((api) => api.sets.get({ id: b.setId })),
    logical: notFound((api) => api.sets.get({ id: b.logicalSetId })),
  }),
  "sets.fields": single(ok((api) => api.sets.fields({ target: "items" }))),
  "sets.fieldValues": () => ({
    location: ok((api) => api.sets.fieldValues({ target: "items", field: "location" }), values),
    library: ok((api) => api.sets.fieldValues({ target: "items", field: "library" }), values),
    barcode: ok(
      (api) => api.sets.fieldValues({ target: "items", field: "barcode", prefix: "R" }),
      values,
    ),
    title: ok((api) => api.sets.fieldValues({ target: "records", field: "title" }), values),
  }),
  "sets.count": () => ({
    items: ok(
      (api) =>
        api.sets.count({
          target: "items",
          filter: { all: [{ field: "barcode", op: "contains", value: "-B" }] },
        }),
      (answer: { count: number }) => answer.count,
    ),
    loans: ok(
      (api) =>
        api.sets.count({
          target: "loans",
          filter: { all: [{ field: "patron_id", op: "contains", value: "-P" }] },
        }),
      (answer: { count: number }) => answer.count,
    ),
  }),
  "sets.createItemized": (b) => ({
    idsOfB: failing((api) =>
      api.sets.createItemized({
        name: fresh("main-set"),
        target: "items",
        memberIds: [...b.itemIds],
      }),
    ),
    barcodesOfB: failing((api) =>
      api.sets.createItemized({
        name: fresh("main-set"),
        target: "items",
        barcodes: [...b.barcodes],
      }),
    ),
    barcodesOfBSkipped: same((api) =>
      api.sets.createItemized({
        name: fresh("main-set"),
        target: "items",
        barcodes: [...b.barcodes, "MAIN-MARK-B1"],
        skipUnknown: true,
      }),
    ),
  }),
  "sets.createLogical": single(
    ok((api) =>
      api.sets.createLogical({
        name: fresh("main-logical"),
        target: "items",
        filter: { all: [{ field: "barcode", op: "contains", value: "-B" }] },
      }),
    ),
  ),
  "sets.delete": (b) => ({
    itemized: notFound((api) => api.sets.delete({ id: b.setId })),
    logical: notFound((api) => api.sets.delete({ id: b.logicalSetId })),
  }),
  "events.emit": () => ({
    // B's workflow starts on this event, and B's workflow run waits for it: neither may move.
    shared: ok((api) => api.events.emit({ name: sharedEvent, data: {} })),
  }),
  "events.list": (b) => ({
    all: ok((api) => api.events.list(), length),
    namedAsB: ok((api) => api.events.list({ name: b.eventName }), length),
  }),
  "dashboard.summary": single(
    ok(
      (api) => api.dashboard.summary({ days: 7 }),
      (answer: unknown) => sumOfNumbers(answer, ["date", "day"]),
    ),
  ),
  "dashboard.throughput": single(
    ok(
      (api) => api.dashboard.throughput({ hours: 24 }),
      (answer: unknown) => sumOfNumbers(answer, ["hour", "at"]),
    ),
  ),
  "notifications.subscribe": (b) => ({
    scheduleOfB: notFound((api) =>
      api.notifications.subscribe({ scheduleId: b.scheduleId, email: "ops@example.edu" }),
    ),
    // The same address and job as B's subscription: A gets its own, B's stays as it was.
    addressOfB: ok((api) =>
      api.notifications.subscribe({
        jobId: "examples.greet",
        email: b.subscriptionEmail,
        onSuccess: true,
        onError: false,
      }),
    ),
  }),
  "notifications.unsubscribe": (b) => ({
    subscriptionOfB: notFound((api) => api.notifications.unsubscribe({ id: b.subscriptionId })),
  }),
  "notifications.list": (b) => ({
    all: ok((api) => api.notifications.list(), length),
    job: ok((api) => api.notifications.list({ jobId: "examples.greet" }), length),
    scheduleOfB: same((api) => api.notifications.list({ scheduleId: b.scheduleId })),
  }),
  "notifications.outbox": (b) => ({
    all: ok(
      (api) => api.notifications.outbox({ limit: 500 }),
      (answer: { notifications?: unknown[]; items?: unknown[] }) =>
        (answer.notifications ?? answer.items ?? []).length,
    ),
    job: ok((api) => api.notifications.outbox({ jobId: "examples.greet" })),
    runOfB: same((api) => api.notifications.outbox({ runId: b.runs.completed })),
  }),
  "schedules.list": () => ({
    all: ok((api) => api.schedules.list(), length),
    job: ok((api) => api.schedules.list({ jobId: "examples.greet" }), length),
  }),
  "schedules.get": (b) => ({
    scheduleOfB: notFound((api) => api.schedules.get({ id: b.scheduleId })),
  }),
  "schedules.preview": single(
    ok((api) =>
      api.schedules.preview({ timing: { kind: "daily", time: "02:30" }, timezone: "UTC" }),
    ),
  ),
  "schedules.create": (b) => ({
    onSetOfB: failing((api) =>
      api.schedules.create({
        name: fresh("main-schedule"),
        jobId: "items.change-policy",
        params: { policy: "Short loan" },
        setId: b.setId,
        timing: { kind: "daily", time: "03:00" },
        timezone: "UTC",
        active: false,
      }),
    ),
    workflowOfB: failing((api) =>
      api.schedules.create({
        name: fresh("main-schedule"),
        workflowId: b.workflowId,
        timing: { kind: "daily", time: "03:00" },
        timezone: "UTC",
        active: false,
      }),
    ),
  }),
  "schedules.update": (b, own) => ({
    scheduleOfB: notFound((api) =>
      api.schedules.update({ id: b.scheduleId, timezone: "Europe/Berlin" }),
    ),
    ownOntoSetOfB: failing((api) =>
      api.schedules.update({
        id: own.scheduleId,
        jobId: "items.change-policy",
        params: { policy: "Short loan" },
        setId: b.setId,
      }),
    ),
  }),
  "schedules.setActive": (b) => ({
    scheduleOfB: notFound((api) => api.schedules.setActive({ id: b.scheduleId, active: false })),
  }),
  "schedules.delete": (b) => ({
    scheduleOfB: notFound((api) => api.schedules.delete({ id: b.scheduleId })),
  }),
  "schedules.runNow": (b) => ({
    scheduleOfB: notFound((api) => api.schedules.runNow({ id: b.scheduleId })),
  }),
  "workflows.editors": single(ok((api) => api.workflows.editors())),
  "workflows.list": single(ok((api) => api.workflows.list(), length)),
  "workflows.get": (b) => ({
    workflowOfB: notFound((api) => api.workflows.get({ id: b.workflowId })),
  }),
  "workflows.versions": (b) => ({
    workflowOfB: notFound((api) => api.workflows.versions({ id: b.workflowId })),
  }),
  "workflows.validate": (b) => ({
    setOfB: sameAnswer((api) =>
      api.workflows.validate({ definition: workflowDefinition(fresh("main-wf"), b.setId) }),
    ),
  }),
  "workflows.save": (b) => ({
    versionOfB: notFound((api) =>
      api.workflows.save({ id: b.workflowId, definition: workflowDefinition(fresh("main-wf")) }),
    ),
    setOfB: failing((api) =>
      api.workflows.save({ definition: workflowDefinition(fresh("main-wf"), b.setId) }),
    ),
  }),
  "workflows.delete": (b) => ({
    workflowOfB: notFound((api) => api.workflows.delete({ id: b.workflowId })),
  }),
  "workflows.start": (b) => ({
    workflowOfB: notFound((api) => api.workflows.start({ id: b.workflowId })),
  }),
  "workflows.runStatus": perRun((api, id) => api.workflows.runStatus({ runId: id })),
  "workflows.export": (b) => ({
    workflowOfB: notFound((api) => api.workflows.export({ id: b.workflowId })),
  }),
  "workflows.import": (b) => ({
    // An export naming B's workflow id: it must not become a version of B's workflow.
    idOfB: anything((api) =>
      api.workflows.import({
        json: JSON.stringify({
          format: "docket.workflow",
          formatVersion: 1,
          id: b.workflowId,
          definition: workflowDefinition(fresh("main-wf")),
        }),
      }),
    ),
  }),
  "workflows.subscribe": (b) => ({
    workflowOfB: notFound((api) =>
      api.workflows.subscribe({ id: b.workflowId, email: "ops@example.edu" }),
    ),
  }),
  "workers.list": single(ok((api) => api.workers.list())),
};

/** Mutations a network-role user may still make, on their own account only. */
const ownAccountMutations = [
  "auth.login",
  "auth.logout",
  "auth.changePassword",
  "tokens.create",
  "tokens.revoke",
];

/** Every number in an answer, keys naming dates and hours aside: how much it counts. */
function sumOfNumbers(value: unknown, skip: readonly string[]): number {
  if (typeof value === "number") return value;
  if (Array.isArray(value)) return value.reduce((sum, item) => sum + sumOfNumbers(item, skip), 0);
  if (value && typeof value === "object") {
    return Object.entries(value)
      .filter(([key]) => !skip.includes(key))
      .reduce((sum, [, item]) => sum + sumOfNumbers(item, skip), 0);
  }
  return 0;
}

function procedurePaths(): string[] {
  return Object.keys(
    (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
  ).sort();
}

function procedureType(path: string): string {
  return (
    appRouter as unknown as {
      _def: { procedures: Record<string, { _def: { type: string } }> };
    }
  )._def.procedures[path]!._def.type;
}

// ---------------------------------------------------------------------------
// Calling, recording inputs, and reading answers.

interface Outcome {
  readonly ok: boolean;
  readonly code: string;
  readonly message: string;
  /** The answer, or the error's code, message, cause and issues, as JSON. */
  readonly text: string;
  /** String values the call was given, in order (each call of the case). */
  readonly inputs: string[];
}

/** `api`, recording the input of every procedure called through it. */
function recording(api: Api, inputs: unknown[]): Api {
  const wrap = (target: unknown): unknown =>
    new Proxy(target as object, {
      get(object, key) {
        if (key === "then") return undefined;
        return wrap(Reflect.get(object, key));
      },
      apply(fn, thisArg, args) {
        inputs.push(args[0]);
        return Reflect.apply(fn as (...a: unknown[]) => unknown, thisArg, args);
      },
    });
  return wrap(api) as Api;
}

function stringLeaves(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else if (typeof value === "number") into.push(String(value));
  else if (Array.isArray(value)) for (const item of value) stringLeaves(item, into);
  else if (value && typeof value === "object") {
    for (const item of Object.values(value)) stringLeaves(item, into);
  }
  return into;
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return JSON.stringify(error);
  const cause = (error as { cause?: unknown }).cause;
  return JSON.stringify({
    code: (error as { code?: string }).code,
    message: error.message,
    cause: cause instanceof Error ? { ...cause, message: cause.message } : cause,
  });
}

async function callCase(caller: Caller, t: TestEngine, c: Case): Promise<Outcome> {
  const inputs: unknown[] = [];
  const api = recording(createCaller(createApiContext(t.engine, caller)), inputs);
  const io: Io = {
    async stream(open, items) {
      const controller = new AbortController();
      const streamApi = recording(
        createCaller(createApiContext(t.engine, caller), { signal: controller.signal }),
        inputs,
      );
      const iterable = await open(streamApi);
      const iterator = iterable[Symbol.asyncIterator]();
      const read: unknown[] = [];
      const deadline = Date.now() + 1_000;
      try {
        while (read.length < items) {
          const left = deadline - Date.now();
          if (left <= 0) break;
          let timer: NodeJS.Timeout | undefined;
          const next = await Promise.race([
            iterator.next(),
            new Promise<"deadline">((resolve) => {
              timer = setTimeout(() => resolve("deadline"), left);
            }),
          ]);
          clearTimeout(timer);
          if (next === "deadline" || next.done) break;
          read.push(next.value);
        }
      } finally {
        controller.abort();
        void iterator.return?.().catch(() => {});
      }
      return read as never;
    },
  };
  const strings = () => inputs.flatMap((input) => stringLeaves(input));
  let timer: NodeJS.Timeout | undefined;
  try {
    // A call that never answers is reported as such, and the others still run.
    const answer = await Promise.race([
      c.call(api, io),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new TRPCError({ code: "TIMEOUT", message: `No answer in ${callTimeoutMs} ms` })),
          callTimeoutMs,
        );
      }),
    ]);
    return {
      ok: true,
      code: "ok",
      message: "",
      text: JSON.stringify(answer ?? null),
      inputs: strings(),
    };
  } catch (error) {
    const code = error instanceof TRPCError ? error.code : "THROWN";
    return {
      ok: false,
      code,
      message: (error as Error).message,
      text: errorText(error),
      inputs: strings(),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Longest wait for one call's answer. */
const callTimeoutMs = 5_000;

/** `text` with each input value replaced by its position, so B's and unknown ids read alike. */
function normalized(text: string, inputs: readonly string[]): string {
  let out = text;
  const order = inputs
    .map((value, index) => ({ value, index }))
    .filter(({ value }) => value.length >= 4)
    .sort((x, y) => y.value.length - x.value.length);
  for (const { value, index } of order) out = out.split(value).join(`<input ${index}>`);
  // Times and generated ids differ between any two calls.
  return out
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>");
}

/** What in `text` (the call's own inputs aside) belongs to B: its ids, names and marks. */
function leaksOf(text: string, inputs: readonly string[], needles: readonly string[]): string[] {
  let rest = text;
  for (const value of [...inputs].sort((x, y) => y.length - x.length)) {
    if (value.length >= 4) rest = rest.split(value).join("<input>");
  }
  const lower = rest.toLowerCase();
  return needles.filter((needle) => lower.includes(needle.toLowerCase()));
}

// ---------------------------------------------------------------------------
// The two institutions' things, made through the engine.

interface Institutional {
  readonly code: string;
  readonly target: Target;
  readonly users: { readonly admin: Caller; readonly staff: Caller; readonly viewer: Caller };
}

/** The repository's jobs, and one that an event starts (the catalog has none). */
async function jobsWithEventTrigger() {
  const dir = await jobFilesDir();
  for (const file of await readdir(repoJobsDir)) {
    if (file.endsWith(".ts"))
      await dir.write(file.slice(0, -3), await readFile(path.join(repoJobsDir, file), "utf8"));
  }
  await dir.write(
    "isolation.on-mark",
    `import { defineJob } from "@docket/sdk";
import { setup } from "xstate";
import { z } from "zod";

const Params = z.object({});

export default defineJob({
  id: "isolation.on-mark",
  title: "On the shared event",
  category: "Isolation",
  description: "Started by the ${sharedEvent} event.",
  params: Params,
  on: ["${sharedEvent}"],
  machine: setup({ types: { input: {} as z.infer<typeof Params> } }).createMachine({
    id: "onMark",
    initial: "done",
    states: { done: { type: "final" } },
  }),
});
`,
  );
  return dir;
}

interface Pending {
  readonly code: string;
  readonly mark: string;
  readonly prefix: string;
  readonly firstId: number;
}

/** Users, catalog, sets, upload, subscription, schedule, workflow and an event of one institution. */
async function populate(t: TestEngine, { code, mark, prefix, firstId }: Pending) {
  const { engine } = t;
  const users = {} as Record<"admin" | "staff" | "viewer", string>;
  for (const role of ["admin", "staff", "viewer"] as const) {
    const user = await engine.users.create({
      name: `${prefix}-${role}`,
      displayName: `${mark} ${role}`,
      role,
      password,
      institution: code,
    });
    users[role] = user.name;
  }
  const admin = await engine.users.get(users.admin);
  const token = await engine.users.createToken(admin.id, { name: `${mark} token` });
  const catalog = await insertInstitutionCatalog(t.database.url, {
    institution: code,
    firstId,
    items: 10,
    mark,
  });
  const set = await engine.sets.createItemized({
    name: `${mark} items`,
    description: `${mark} set`,
    target: "items",
    memberIds: catalog.itemIds.map(String),
    createdBy: users.staff,
    institution: code,
  } as never);
  const logical = await engine.sets.createLogical({
    name: `${mark} logical`,
    target: "items",
    filter: { all: [{ field: "location", op: "contains", value: mark }] },
    createdBy: users.staff,
    institution: code,
  } as never);
  const upload = await engine.runs.storeUpload({
    name: `${mark}.csv`,
    createdBy: users.staff,
    institution: code,
    content: (async function* () {
      yield `title,author\n${mark} uploaded title,${mark} author\n`;
    })(),
  });
  const subscriptionEmail = `${prefix}@example.edu`;
  const subscription = await engine.notifications.subscribe({
    jobId: "examples.greet",
    email: subscriptionEmail,
    onSuccess: true,
    onError: true,
    createdBy: users.admin,
    institution: code,
  } as never);
  const schedule = await engine.schedules.create({
    name: `${mark} schedule`,
    jobId: "examples.greet",
    params: { name: mark },
    timing: { kind: "daily", time: "02:30" },
    timezone: "UTC",
    active: true,
    createdBy: users.admin,
    institution: code,
  } as never);
  const workflow = await engine.workflows.save({
    definition: {
      name: `${mark} workflow`,
      description: `${mark} workflow description`,
      on: [sharedEvent],
      nodes: [
        { id: "greet", kind: "job", jobId: "examples.greet", params: { name: mark, times: 1 } },
        { id: "wait", kind: "event", eventName: sharedEvent },
      ],
      edges: [{ id: "then", from: "greet", to: "wait", on: "success" }],
    },
    savedBy: users.admin,
    institution: code,
  } as never);
  const eventName = `${prefix}.event`;
  await engine.runs.emitEvent({
    name: eventName,
    data: { note: `${mark} event` },
    emittedBy: users.staff,
    institution: code,
  } as never);
  return {
    users,
    admin,
    token,
    catalog,
    set,
    logical,
    upload,
    subscription,
    subscriptionEmail,
    schedule,
    workflow,
    eventName,
  };
}

type Populated = Awaited<ReturnType<typeof populate>>;

/**
 * Runs of one institution that a worker takes to their states: a completed
 * change on its set (with records and restore data), a failed lookup, a
 * reminder parked for an hour, a workflow run waiting for the shared event
 * after its child run completed.
 */
async function startWorkedRuns(engine: Engine, code: string, mark: string, p: Populated) {
  const by = p.users.staff;
  const start = (jobId: string, params: Record<string, unknown>, setId?: string) =>
    engine.runs.start({
      jobId,
      params,
      createdBy: by,
      description: `${mark} ${jobId}`,
      institution: code,
      ...(setId ? { setId } : {}),
    } as never);
  const completed = await start("items.change-policy", { policy: "Short loan" }, p.set.set.id);
  const failed = await start("examples.flaky-lookup", { isbn: "9780306406157", failures: 10 });
  const parked = await start("examples.reminder", {
    message: `${mark} reminder`,
    delaySeconds: 3600,
  });
  const workflow = await engine.workflows.start({
    workflowId: p.workflow.id,
    createdBy: by,
    institution: code,
  } as never);
  return { completed, failed, parked, workflow };
}

async function institutionWith(
  t: TestEngine,
  code: string,
  p: Populated,
  runs: Target["runs"],
): Promise<Institutional> {
  const callers = {} as Record<"admin" | "staff" | "viewer", Caller>;
  for (const role of ["admin", "staff", "viewer"] as const) {
    callers[role] = await sessionCaller(t.engine, p.users[role], password);
  }
  return {
    code,
    users: callers,
    target: {
      runs,
      setId: p.set.set.id,
      logicalSetId: p.logical.id,
      scheduleId: p.schedule.id,
      workflowId: p.workflow.id,
      subscriptionId: p.subscription.id,
      subscriptionEmail: p.subscriptionEmail,
      tokenId: p.token.token.id,
      uploadId: p.upload.id,
      userName: p.users.staff,
      userId: (await t.engine.users.get(p.users.staff)).id,
      itemIds: p.catalog.itemIds,
      barcodes: p.catalog.barcodes,
      eventName: p.eventName,
      code,
    },
  };
}

interface World {
  readonly t: TestEngine;
  readonly a: Institutional;
  readonly b: Institutional;
  /** What of B an answer must never hold: its ids, names and marks. */
  readonly needles: readonly string[];
  /** The same of A. */
  readonly needlesOfA: readonly string[];
  [Symbol.asyncDispose](): Promise<void>;
}

async function createWorld(): Promise<World> {
  const jobs = await jobsWithEventTrigger();
  const t = await createTestEngine({ jobsDir: jobs.path });
  try {
    await createInstitution(t.engine, B, {
      name: `${markOfB} Library`,
      timeZone: "America/Chicago",
    });
    await createInstitution(t.engine, Q, { name: "Quiet Library" });
    await createInstitution(t.engine, NZ, { name: "Consortium Network Zone", kind: "network" });
    const specs = {
      a: { code: A, mark: markOfA, prefix: "main", firstId: 1 },
      b: { code: B, mark: markOfB, prefix: "riverside-mark", firstId: 1001 },
    } as const;
    const pa = await populate(t, specs.a);
    const pb = await populate(t, specs.b);
    const worked: Record<"a" | "b", Awaited<ReturnType<typeof startWorkedRuns>>> = {
      a: await startWorkedRuns(t.engine, A, markOfA, pa),
      b: await startWorkedRuns(t.engine, B, markOfB, pb),
    };
    {
      await using _worker = await t.engine.startWorker();
      for (const side of ["a", "b"] as const) {
        const w = worked[side];
        await waitForStatus(t.engine, w.completed.id, ["completed"], 60_000);
        await waitForStatus(t.engine, w.failed.id, ["failed"], 60_000);
        await pollUntil(`the ${side} reminder to park`, async () =>
          (await t.engine.runs.get(w.parked.id)).waiting?.kind === "parked" ? true : undefined,
        );
        await pollUntil(`the ${side} workflow run to wait for ${sharedEvent}`, async () => {
          const waits = await t.engine.internals.db
            .selectFrom("run_event_waits")
            .select("run_id")
            .where("run_id", "=", w.workflow.id)
            .execute();
          return waits.length > 0 ? true : undefined;
        });
      }
    }
    const made = {} as Record<"a" | "b", Institutional>;
    for (const [side, p, code, mark] of [
      ["a", pa, A, markOfA],
      ["b", pb, B, markOfB],
    ] as const) {
      const w = worked[side];
      const pending = await t.engine.runs.start({
        jobId: "examples.greet",
        params: { name: mark },
        createdBy: p.users.staff,
        institution: code,
      } as never);
      const toAbort = await t.engine.runs.start({
        jobId: "examples.greet",
        params: { name: mark },
        createdBy: p.users.staff,
        institution: code,
      } as never);
      const aborted = await t.engine.runs.abort(toAbort.id, p.users.staff);
      const child = await t.engine.internals.db
        .selectFrom("runs")
        .select("id")
        .where("parent_run_id", "=", w.workflow.id)
        .executeTakeFirstOrThrow();
      made[side] = await institutionWith(t, code, p, {
        pending: pending.id,
        parked: w.parked.id,
        completed: w.completed.id,
        failed: w.failed.id,
        aborted: aborted.id,
        workflow: w.workflow.id,
        child: child.id,
      });
    }
    // Everything of an institution an answer could show: every id of its rows, its names, its mark.
    const idsOf = (code: string) =>
      t.engine.internals.db.transaction().execute(async (trx) => {
        const found: string[] = [];
        for (const table of [
          "runs",
          "sets",
          "schedules",
          "workflows",
          "notification_subscriptions",
          "uploads",
          "users",
          "api_tokens",
        ] as const) {
          const rows = await trx
            .selectFrom(table)
            .select("id")
            .where("institution", "=", code)
            .execute();
          found.push(...rows.map((row) => String(row.id)));
        }
        return found;
      });
    const needles = [
      ...new Set([...(await idsOf(B)), markOfB, "riverside", ...made.b.target.barcodes]),
    ];
    const needlesOfA = [...new Set([...(await idsOf(A)), markOfA, ...made.a.target.barcodes])];
    return {
      t,
      a: made.a,
      b: made.b,
      needles,
      needlesOfA,
      [Symbol.asyncDispose]: async () => {
        await t[Symbol.asyncDispose]();
        await jobs[Symbol.asyncDispose]();
      },
    };
  } catch (error) {
    await t[Symbol.asyncDispose]();
    await jobs[Symbol.asyncDispose]();
    throw error;
  }
}

function expectationMet(expect: Expect, outcome: Outcome): boolean {
  switch (expect) {
    case "ok":
      return outcome.ok;
    case "error":
      return !outcome.ok;
    case "same":
    case "any":
      return true;
    default:
      return outcome.code === expect;
  }
}

describe("isolation between institutions", () => {
  it("has a row for every procedure of the router, and none for procedures that do not exist", () => {
    expect(Object.keys(rows).sort()).toEqual(procedurePaths());
  });

  it("answers A's admin, staff and viewer on B's ids exactly as on unknown ids, shows nothing of B and changes nothing of B", async () => {
    await using world = await createWorld();
    const { t, a, b, needles } = world;
    const url = t.database.url;
    const digestOfB = () => institutionDigest(url, B);
    const initial = await digestOfB();
    let before = initial;
    const failures: string[] = [];
    for (const procedure of procedurePaths()) {
      const cases = rows[procedure];
      if (!cases) continue; // reported by the coverage test
      const unknown = unknownTarget();
      const started = Date.now();
      for (const [name, c] of Object.entries(cases(b.target, a.target))) {
        const unknownCase = cases(unknown, a.target)[name]!;
        const label = `${procedure}${name ? ` (${name})` : ""}`;
        for (const role of ["admin", "staff", "viewer"] as const) {
          const caller = a.users[role];
          const onB = await callCase(caller, t, c);
          const onUnknown = await callCase(caller, t, unknownCase);
          for (const [what, outcome] of [
            ["B's ids", onB],
            ["unknown ids", onUnknown],
          ] as const) {
            if (outcome.code === "TIMEOUT")
              failures.push(`${label} as ${role} on ${what}: no answer`);
          }
          const leaks = leaksOf(onB.text, onB.inputs, needles);
          if (leaks.length > 0) {
            failures.push(
              `${label} as ${role}: shows B's ${leaks.slice(0, 3).join(", ")} in ${onB.text.slice(0, 300)}`,
            );
          }
          if (role === "admin" && !expectationMet(c.expect, onB)) {
            failures.push(
              `${label} as admin: expected ${c.expect}, got ${onB.ok ? "an answer" : `${onB.code}: ${onB.message}`}`,
            );
          }
          if (c.expect !== "any") {
            const seenB = onB.ok ? "answer" : `${onB.code}: ${normalized(onB.message, onB.inputs)}`;
            const seenUnknown = onUnknown.ok
              ? "answer"
              : `${onUnknown.code}: ${normalized(onUnknown.message, onUnknown.inputs)}`;
            if (seenB !== seenUnknown) {
              failures.push(
                `${label} as ${role}: B's ids answer "${seenB}", unknown ids "${seenUnknown}"`,
              );
            } else if (c.sameAnswer && onB.ok) {
              const answerB = normalized(onB.text, onB.inputs);
              const answerUnknown = normalized(onUnknown.text, onUnknown.inputs);
              if (answerB !== answerUnknown) {
                failures.push(
                  `${label} as ${role}: B's ids answer ${answerB.slice(0, 300)}, unknown ids ${answerUnknown.slice(0, 300)}`,
                );
              }
            }
          }
        }
      }
      if (process.env.DOCKET_DEBUG) console.log(procedure, Date.now() - started, "ms");
      const after = await digestOfB();
      const changes = digestChanges(before, after);
      if (changes.length > 0) failures.push(`${procedure} changed B's data: ${changes.join("; ")}`);
      before = after;
    }
    const final = await digestOfB();
    const overall = digestChanges(initial, final);
    if (overall.length > 0) failures.push(`B's data changed: ${overall.join("; ")}`);
    // The digest does see a change of B's: the assertions above could fail.
    await t.engine.schedules.setActive(b.target.scheduleId, false);
    expect(digestChanges(final, await digestOfB())).toEqual([
      expect.stringMatching(/^schedules: 1 rows \w+ -> 1 rows \w+$/),
    ]);
    if (failures.length > 0) console.log(failures.join("\n"));
    expect(failures).toEqual([]);
  }, 300_000);

  it("shows an institution with no data of its own nothing: every list and count of it is empty", async () => {
    await using world = await createWorld();
    const { t, a, b } = world;
    const failures: string[] = [];
    const needles = [...world.needles, ...world.needlesOfA];
    const quiet = {} as Record<"admin" | "staff" | "viewer", Caller>;
    for (const role of ["admin", "staff", "viewer"] as const) {
      await t.engine.users.create({ name: `quiet-${role}`, role, password, institution: Q });
      quiet[role] = await sessionCaller(t.engine, `quiet-${role}`, password);
    }
    for (const procedure of procedurePaths()) {
      if (procedureType(procedure) === "mutation") continue; // nothing to create here
      const cases = rows[procedure];
      if (!cases) continue;
      for (const [name, c] of Object.entries(cases(b.target, a.target))) {
        const label = `${procedure}${name ? ` (${name})` : ""}`;
        for (const role of ["admin", "staff", "viewer"] as const) {
          const outcome = await callCase(quiet[role], t, c);
          if (outcome.code === "TIMEOUT") failures.push(`${label} as ${role} of ${Q}: no answer`);
          const leaks = leaksOf(outcome.text, outcome.inputs, needles);
          if (leaks.length > 0) {
            failures.push(
              `${label} as ${role} of ${Q}: shows ${leaks.join(", ")}: ${outcome.text.slice(0, 300)}`,
            );
          }
          if (c.counted && outcome.ok) {
            const counted = c.counted(JSON.parse(outcome.text) as never);
            if (counted !== 0) {
              failures.push(
                `${label} as ${role} of ${Q}: counts ${counted}, not 0: ${outcome.text.slice(0, 300)}`,
              );
            }
          }
        }
      }
    }
    if (failures.length > 0) console.log(failures.join("\n"));
    expect(failures).toEqual([]);
  }, 300_000);

  it("lets the network role see both institutions' runs with their institution, narrow them by institution, and change nothing", async () => {
    await using world = await createWorld();
    const { t, a, b } = world;
    const url = t.database.url;
    await t.engine.users.create({ name: "nz-monitor", role: "network", password, institution: NZ });
    await t.engine.users.create({ name: "nz-other", role: "network", password, institution: NZ });
    const network = await sessionCaller(t.engine, "nz-monitor", password);
    expect(network).toMatchObject({ role: "network", institution: NZ });
    const api = createCaller(createApiContext(t.engine, network));

    // Reads: both institutions' runs, each naming its own; the filter narrows to one.
    const runsOf = (code: string) =>
      Object.values(code === A ? a.target.runs : b.target.runs).sort();
    const all = await api.runs.list({ limit: 500 });
    const listed = all.runs as unknown as { id: string; institution?: string }[];
    expect(listed.map((run) => run.id)).toEqual(
      expect.arrayContaining([...runsOf(A), ...runsOf(B)]),
    );
    for (const run of listed) expect(typeof run.institution, `run ${run.id}`).toBe("string");
    for (const code of [A, B]) {
      expect(
        listed.filter((run) => runsOf(code).includes(run.id)).map((run) => run.institution),
      ).toEqual(runsOf(code).map(() => code));
    }
    for (const code of [A, B]) {
      const narrowed = (await api.runs.list({ institution: code, limit: 500 } as never))
        .runs as unknown as { id: string; institution: string }[];
      expect(narrowed.length, `runs of ${code}`).toBeGreaterThan(0);
      expect(new Set(narrowed.map((run) => run.institution))).toEqual(new Set([code]));
      expect(narrowed.map((run) => run.id)).toEqual(expect.arrayContaining(runsOf(code)));
    }

    // Writes: every mutation of the router is refused with the network's words, and nothing changes.
    const skip = ["users", "api_tokens", "sessions"];
    const digests = async (): Promise<Record<string, Record<string, string>>> => ({
      [A]: await institutionDigest(url, A),
      [B]: await institutionDigest(url, B),
      // The Network Zone's own account rows change by the own-account procedures, asserted below.
      [NZ]: await institutionDigest(url, NZ, { skip }),
    });
    const initial = await digests();
    const failures: string[] = [];
    const mutations = procedurePaths().filter((path) => procedureType(path) === "mutation");
    expect(mutations.length).toBeGreaterThan(30);
    for (const procedure of mutations) {
      if (ownAccountMutations.includes(procedure)) continue;
      const cases = rows[procedure];
      if (!cases) continue;
      for (const target of [b.target, a.target]) {
        for (const [name, c] of Object.entries(cases(target, target))) {
          const label = `${procedure}${name ? ` (${name})` : ""} on ${target === a.target ? A : B}`;
          const outcome = await callCase(network, t, c);
          if (
            outcome.code !== "FORBIDDEN" ||
            !/^The network role sees every institution's work but cannot .+ on an institution's behalf/.test(
              outcome.message,
            )
          ) {
            failures.push(
              `${label}: expected FORBIDDEN from the network role, got ${outcome.ok ? `an answer ${outcome.text.slice(0, 200)}` : `${outcome.code}: ${outcome.message}`}`,
            );
          }
        }
      }
    }
    const after = await digests();
    for (const code of [A, B, NZ]) {
      const changes = digestChanges(initial[code]!, after[code]!);
      if (changes.length > 0)
        failures.push(`mutations changed ${code}'s data: ${changes.join("; ")}`);
    }
    if (failures.length > 0) console.log(failures.join("\n"));
    expect(failures).toEqual([]);

    // Own account only: sign in, a token of their own, revoke it, change the password, sign out.
    const tokensOf = async (userName: string) =>
      (await t.engine.users.listTokens({ userId: (await t.engine.users.get(userName)).id }))
        .filter((token) => token.revokedAt === null)
        .map((token) => token.id);
    const anonymous = createCaller(createApiContext(t.engine, null));
    await expect(anonymous.auth.login({ name: "nz-monitor", password })).resolves.toMatchObject({
      user: { name: "nz-monitor" },
    });
    const created = await api.tokens.create({ name: "nz script" });
    expect(await tokensOf("nz-monitor")).toEqual([created.token.id]);
    const bDigest = await institutionDigest(url, B);
    const aDigest = await institutionDigest(url, A);
    // Not another user's: B's admin's token, another network user's, a token for someone else.
    const otherNetworkToken = (
      await t.engine.users.createToken((await t.engine.users.get("nz-other")).id, { name: "other" })
    ).token.id;
    for (const [what, attempt] of [
      ["revoke B's token", () => api.tokens.revoke({ id: b.target.tokenId })],
      ["revoke A's token", () => api.tokens.revoke({ id: a.target.tokenId })],
      ["revoke another network user's token", () => api.tokens.revoke({ id: otherNetworkToken })],
      [
        "create a token for B's user",
        () => api.tokens.create({ name: "x", userName: b.target.userName }),
      ],
      [
        "create a token for another network user",
        () => api.tokens.create({ name: "x", userName: "nz-other" }),
      ],
    ] as const) {
      const refused = await attempt().then(
        () => null,
        (error: unknown) => (error instanceof TRPCError ? error.code : "THROWN"),
      );
      expect(refused, what).toMatch(/^(FORBIDDEN|NOT_FOUND)$/);
    }
    expect(await tokensOf("nz-other")).toEqual([otherNetworkToken]);
    expect(digestChanges(bDigest, await institutionDigest(url, B))).toEqual([]);
    expect(digestChanges(aDigest, await institutionDigest(url, A))).toEqual([]);
    await expect(api.tokens.revoke({ id: created.token.id })).resolves.toMatchObject({
      id: created.token.id,
    });
    expect(await tokensOf("nz-monitor")).toEqual([]);
    await expect(
      api.auth.changePassword({ currentPassword: password, newPassword: "a new network password" }),
    ).resolves.toEqual({ changed: true });
    await expect(
      anonymous.auth.login({ name: "nz-monitor", password: "a new network password" }),
    ).resolves.toMatchObject({ user: { name: "nz-monitor" } });
    await expect(api.auth.logout()).resolves.toEqual({ signedOut: true });
    expect(await t.engine.users.authenticateSession("no such session")).toBeNull();
    // …and still nothing of A or B changed.
    expect(digestChanges(initial[A]!, await institutionDigest(url, A))).toEqual([]);
    expect(digestChanges(initial[B]!, await institutionDigest(url, B))).toEqual([]);
  }, 300_000);
});
