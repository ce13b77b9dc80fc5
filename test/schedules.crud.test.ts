import { fileURLToPath } from "node:url";
import { appRouter, createApiContext, createCaller } from "@docket/api";
import type { Engine } from "@docket/engine";
import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { engineWithLoanAndItemSets } from "./support/setEngine.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const jobsDir = fileURLToPath(new URL("../jobs/", import.meta.url));

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

/** The error as a client sees it (the router's own errorFormatter, as over HTTP). */
function clientShape(error: TRPCError) {
  return getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: "mutation",
    path: "schedules",
    input: undefined,
    ctx: undefined,
  });
}

/** The `data.issues` paths a client gets. */
function issuePaths(error: TRPCError): string[] {
  return clientShape(error).data.issues.map((issue) => issue.path);
}

async function scheduleRows(engine: Engine): Promise<number> {
  const row = await engine.internals.db
    .selectFrom("schedules")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Hour and minute of an instant in a zone, e.g. `Mon 06:00`. */
function wallClock(instant: string | null, timeZone: string): string {
  const date = new Date(instant ?? Number.NaN);
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  })
    .format(date)
    .replace(",", "");
}

describe("schedules through the API (createCaller)", () => {
  it("creates, lists, gets, updates, switches off and on, and deletes schedules", async () => {
    await using t = await engineWithLoanAndItemSets();
    const api = createCaller(
      createApiContext(t.engine, { name: "ana", role: "admin", institution: "main" }),
    );
    const before = Date.now();
    const nightly = await api.schedules.create({
      ...t.nightly,
      name: "Nightly loan anonymization",
      missed: "once",
    });
    expect(nightly).toMatchObject({
      name: "Nightly loan anonymization",
      jobId: "loans.anonymize",
      jobTitle: "Anonymize old loans",
      params: { olderThanDays: 730 },
      setId: t.loans,
      setName: "Old loans",
      cron: "30 2 * * *",
      timing: { kind: "daily", time: "02:30" },
      timezone: "Europe/Berlin",
      description: "Every day at 02:30 (Europe/Berlin)",
      active: true,
      missed: "once",
      createdBy: "ana",
      lastRunId: null,
      lastRunStatus: null,
      problem: null,
    });
    // Next 5 due instants: the scheduler's arithmetic, from creation on, all at 02:30 in Berlin.
    // Dates leave the API as ISO-8601 strings, in process as over HTTP.
    expect(nightly.nextDueAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const nextDueAt = new Date(nightly.nextDueAt ?? Number.NaN);
    expect(nextDueAt.getTime()).toBeGreaterThan(before);
    expect(nextDueAt.getTime()).toBeLessThanOrEqual(before + 25 * 3600_000);
    expect(nightly.upcoming).toEqual(
      t.engine.schedules
        .preview({
          cron: "30 2 * * *",
          timezone: "Europe/Berlin",
          from: new Date(nextDueAt.getTime() - 1),
          count: 5,
        })
        .map((date) => date.toISOString()),
    );
    expect(nightly.upcoming[0]).toBe(nightly.nextDueAt);
    for (const due of nightly.upcoming) {
      // 03:00 only on a spring-forward day, when 02:30 does not exist.
      expect(wallClock(due, "Europe/Berlin")).toMatch(/ (02:30|03:00)$/);
    }

    const hourly = await api.schedules.create({
      name: "A greeting every hour",
      jobId: "examples.greet",
      params: { name: "Ada" },
      timing: { kind: "hourly", minute: 15 },
      timezone: "UTC",
      active: false,
    });
    expect(hourly).toMatchObject({
      cron: "15 * * * *",
      description: "Every hour at minute 15 (UTC)",
      active: false,
      missed: "skip",
      nextDueAt: null,
      upcoming: [],
      setId: null,
    });

    const listed = await api.schedules.list();
    expect(listed.map((s) => s.name)).toEqual([
      "A greeting every hour",
      "Nightly loan anonymization",
    ]);
    expect(listed[1]).toEqual(nightly);
    expect(await api.schedules.get({ id: nightly.id })).toEqual(nightly);
    expect((await api.schedules.list({ active: false })).map((s) => s.id)).toEqual([hourly.id]);
    expect((await api.schedules.list({ jobId: "loans.anonymize" })).map((s) => s.id)).toEqual([
      nightly.id,
    ]);

    const weekly = await api.schedules.update({
      id: nightly.id,
      timing: { kind: "weekly", day: "monday", time: "06:00" },
      params: { olderThanDays: 1000 },
    });
    expect(weekly).toMatchObject({
      cron: "0 6 * * 1",
      timing: { kind: "weekly", day: "monday", time: "06:00" },
      description: "Every Monday at 06:00 (Europe/Berlin)",
      params: { olderThanDays: 1000 },
      setId: t.loans,
      missed: "once",
      createdBy: "ana",
    });
    expect(wallClock(weekly.nextDueAt, "Europe/Berlin")).toBe("Mon 06:00");
    expect(Date.parse(weekly.updatedAt)).toBeGreaterThan(Date.parse(nightly.updatedAt));
    const renamed = await trpcError(
      api.schedules.update({ id: nightly.id, name: "A greeting every hour" }),
    );
    expect(renamed.code).toBe("CONFLICT");
    expect(renamed.message).toMatch(/A schedule named "A greeting every hour" already exists/);
    const duplicate = await trpcError(
      api.schedules.create({
        name: "A greeting every hour",
        jobId: "examples.greet",
        params: { name: "Bo" },
        timing: { kind: "cron", cron: "0 * * * *" },
        timezone: "UTC",
      }),
    );
    expect(duplicate.code).toBe("CONFLICT");

    const off = await api.schedules.setActive({ id: nightly.id, active: false });
    expect(off).toMatchObject({ active: false, nextDueAt: null, upcoming: [] });
    const on = await api.schedules.setActive({ id: hourly.id, active: true });
    expect(on.active).toBe(true);
    const onDueAt = new Date(on.nextDueAt ?? Number.NaN);
    expect(onDueAt.getUTCMinutes()).toBe(15);
    expect(onDueAt.getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(onDueAt.getTime()).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(on.upcoming).toHaveLength(5);

    expect((await api.schedules.delete({ id: nightly.id })).id).toBe(nightly.id);
    expect((await trpcError(api.schedules.get({ id: nightly.id }))).code).toBe("NOT_FOUND");
    expect((await trpcError(api.schedules.delete({ id: nightly.id }))).code).toBe("NOT_FOUND");
    expect((await api.schedules.list()).map((s) => s.id)).toEqual([hourly.id]);
  });

  it("refuses an invalid cron, zone, params or set with BAD_REQUEST and field paths, saving nothing", async () => {
    await using t = await engineWithLoanAndItemSets();
    const api = createCaller(
      createApiContext(t.engine, { name: "ana", role: "admin", institution: "main" }),
    );
    const valid = { ...t.nightly, name: "Nightly" };

    const cases: [Partial<Parameters<typeof api.schedules.create>[0]>, string[], RegExp][] = [
      [{ timing: { kind: "cron", cron: "61 * * * *" } }, ["timing.cron"], /minute: 61/],
      [{ timing: { kind: "cron", cron: "every night" } }, ["timing.cron"], /has 5 fields/],
      [{ timing: { kind: "daily", time: "24:30" } }, ["timing.time"], /HH:MM/],
      [{ timezone: "Mars/Base" }, ["timezone"], /Unknown time zone "Mars\/Base"/],
      [{ params: { olderThanDays: 5 } }, ["params.olderThanDays"], /Invalid parameters/],
      [{ setId: t.items }, ["setId"], /holds items; job "loans.anonymize" runs on loans/],
      [{ setId: undefined }, ["setId"], /runs on a set of loans/],
      [
        // Every bad field at once, for the designer's form.
        {
          timing: { kind: "cron", cron: "0 0 30 2 *" },
          timezone: "Europe/Berlim",
          params: { olderThanDays: "many" },
        },
        ["timing.cron", "timezone", "params.olderThanDays"],
        /never matches a date.*Unknown time zone/,
      ],
      // Refused by the procedure's schema before the engine sees it.
      [{ timing: { kind: "daily", time: "2pm" } }, ["timing.time"], /HH:MM/],
      [{ timing: { kind: "yearly" } as never }, ["timing.kind"], /Invalid input/],
    ];
    for (const [change, paths, message] of cases) {
      const error = await trpcError(api.schedules.create({ ...valid, ...change }));
      expect(error.code, JSON.stringify(change)).toBe("BAD_REQUEST");
      expect(issuePaths(error), JSON.stringify(change)).toEqual(paths);
      expect(clientShape(error).message, JSON.stringify(change)).toMatch(message);
    }
    expect((await trpcError(api.schedules.create({ ...valid, jobId: "loans.nope" }))).code).toBe(
      "NOT_FOUND",
    );
    expect(await api.schedules.list()).toEqual([]);
    expect(await scheduleRows(t.engine)).toBe(0);

    // An update is checked as a whole too, and changes nothing when refused.
    const saved = await api.schedules.create(valid);
    for (const [change, path] of [
      [{ timezone: "Nowhere/City" }, "timezone"],
      [{ timing: { kind: "cron", cron: "* * * *" } }, "timing.cron"],
      [{ jobId: "items.change-policy" }, "setId"], // the loans set does not fit the new job
      [{ setId: null }, "setId"],
    ] as const) {
      const error = await trpcError(api.schedules.update({ id: saved.id, ...change }));
      expect(error.code).toBe("BAD_REQUEST");
      expect(issuePaths(error)).toContain(path);
    }
    expect(await api.schedules.get({ id: saved.id })).toEqual(saved);
    expect(await scheduleRows(t.engine)).toBe(1);

    const preview = await trpcError(
      api.schedules.preview({ timing: { kind: "cron", cron: "* * 32 * *" }, timezone: "UTC" }),
    );
    expect(preview.code).toBe("BAD_REQUEST");
    expect(issuePaths(preview)).toEqual(["timing.cron"]);
    expect(
      await api.schedules.preview({
        timing: { kind: "monthly", day: 1, time: "00:00" },
        timezone: "Europe/Berlin",
        from: new Date("2026-01-15T00:00:00Z"),
        count: 2,
      }),
    ).toEqual(["2026-01-31T23:00:00.000Z", "2026-02-28T23:00:00.000Z"]);
  });

  it("runNow starts a run with the schedule's params and set, its creator, and a schedule trigger", async () => {
    await using t = await engineWithLoanAndItemSets();
    const ana = createCaller(
      createApiContext(t.engine, { name: "ana", role: "admin", institution: "main" }),
    );
    const bob = createCaller(
      createApiContext(t.engine, { name: "bob", role: "admin", institution: "main" }),
    );
    const onSet = await ana.schedules.create({
      name: "Anonymize now and then",
      jobId: "loans.anonymize",
      params: { olderThanDays: 400 },
      setId: t.loans,
      timing: { kind: "monthly", day: 1, time: "03:00" },
      timezone: "Europe/Berlin",
      active: false,
    });
    const run = await bob.schedules.runNow({ id: onSet.id });
    expect(run).toMatchObject({
      jobId: "loans.anonymize",
      params: { olderThanDays: 400 },
      setId: t.loans,
      target: "loans",
      createdBy: "ana",
      trigger: { kind: "schedule", scheduleId: onSet.id },
      description: "Anonymize now and then",
    });
    const after = await ana.schedules.get({ id: onSet.id });
    expect(after).toMatchObject({ lastRunId: run.id, lastRunStatus: run.status, nextDueAt: null });

    // A run started this way is an ordinary run: a worker executes it.
    const greeting = await ana.schedules.create({
      name: "Greeting",
      jobId: "examples.greet",
      params: { name: "Ada", times: 1 },
      timing: { kind: "daily", time: "12:00" },
      timezone: "UTC",
    });
    const greetingRun = await bob.schedules.runNow({ id: greeting.id });
    expect(greetingRun.params).toEqual({ name: "Ada", times: 1 });
    await using _worker = await t.engine.startWorker();
    await waitForStatus(t.engine, greetingRun.id, ["completed"]);
    expect(await ana.schedules.get({ id: greeting.id })).toMatchObject({
      lastRunId: greetingRun.id,
      lastRunStatus: "completed",
      nextDueAt: greeting.nextDueAt, // run-now does not move the next due time
    });
    expect((await trpcError(ana.schedules.runNow({ id: crypto.randomUUID() }))).code).toBe(
      "NOT_FOUND",
    );

    // A schedule whose params no longer fit its job shows why, and run-now refuses it.
    await t.engine.internals.db
      .updateTable("schedules")
      .set({ params: JSON.stringify({ name: "" }) })
      .where("id", "=", greeting.id)
      .execute();
    expect((await ana.schedules.get({ id: greeting.id })).problem).toMatch(
      /Invalid parameters for job "examples.greet": params.name/,
    );
    const refused = await trpcError(ana.schedules.runNow({ id: greeting.id }));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(issuePaths(refused)).toEqual(["params.name"]);
  });

  it("seeds the example schedules once, inactive, on the example sets", async () => {
    await using t = await createTestEngine({ jobsDir });
    await t.engine.sets.seedExamples("admin");
    const created = await t.engine.schedules.seedExamples("admin");
    expect(created.map((s) => [s.name, s.jobId, s.setName, s.description, s.active])).toEqual([
      [
        "Nightly loan anonymization",
        "loans.anonymize",
        "Loans older than 2 years (returned)",
        "Every day at 02:30 (Europe/Berlin)",
        false,
      ],
      [
        "Weekly history purge",
        "docket.purge-history",
        null,
        "Every Sunday at 04:00 (Europe/Berlin)",
        false,
      ],
      [
        "Weekly export of records published before 1950",
        "records.export-csv",
        "Records published before 1950",
        "Every Monday at 06:00 (Europe/Berlin)",
        false,
      ],
    ]);
    expect(created.every((s) => s.createdBy === "admin" && s.problem === null)).toBe(true);
    expect(await t.engine.schedules.seedExamples("admin")).toEqual([]);
    expect(await t.engine.schedules.list()).toHaveLength(3);
  });
});
