/**
 * `@docket/sdk/testing` as a job author uses it: a real engine and runner on
 * the test's own database, a clock the test moves, and the replay check.
 */
import { defineJob } from "@docket/sdk";
import { createJobTestEnvironment } from "@docket/sdk/testing";
import { expect, inject, test } from "vitest";
import { setup } from "xstate";
import { z } from "zod";
import reminder from "../jobs/examples.reminder.ts";
import changePolicy from "../jobs/items.change-policy.ts";

// The repository's tests share one PostgreSQL server (DATABASE_URL or the session's embedded one);
// a job author's tests leave this out and get DATABASE_URL's server or an embedded one.
const databaseUrl = inject("adminUrl");

test("a one-hour delay passes when the test advances the clock, without waiting an hour", async () => {
  await using env = await createJobTestEnvironment({ jobs: [reminder], databaseUrl });
  const run = await env.start("examples.reminder", {
    params: { message: "Shelf read", delaySeconds: 3600 },
  });
  const startedAt = env.clock.now();
  const realStart = performance.now();
  await env.clock.advance("1h");
  const result = await run.result();
  const realSeconds = (performance.now() - realStart) / 1000;

  expect(result.status).toBe("completed");
  expect(result.context).toMatchObject({ message: "Shelf read", deliveredAt: expect.any(String) });
  expect(result.logs.map((line) => line.message)).toEqual([
    'Will remind "Shelf read" in 3600 s',
    "Reminder: Shelf read",
  ]);
  expect(env.clock.now() - startedAt).toBeGreaterThanOrEqual(3_600_000);
  // Seconds at most on a loaded machine, never the hour (figures: README "Test your job").
  expect(realSeconds).toBeLessThan(60);
  // Its journal still fits the job's machine: it would resume from any of its checkpoints.
  expect(await env.replay(run.id)).toEqual({ resumes: true, statesChecked: 4 });
});

test("a run left waiting on the clock fails the test saying so, instead of hanging", async () => {
  await using env = await createJobTestEnvironment({
    jobs: [reminder],
    databaseUrl,
    timeoutMs: 3_000,
  });
  const run = await env.start("examples.reminder", {
    params: { message: "Shelf read", delaySeconds: 3600 },
  });
  await expect(run.result()).rejects.toThrow(/is running.*parked until .*advance it/);
});

test("a job on a set changes the records and reports the one it could not", async () => {
  await using env = await createJobTestEnvironment({
    jobs: [changePolicy],
    databaseUrl,
    catalogRecords: 40,
  });
  const { db } = env.engine.internals;
  const items = await db
    .selectFrom("items")
    .select("id")
    .where("status", "!=", "withdrawn")
    .where("item_policy", "!=", "Non-circulating")
    .orderBy("id")
    .limit(10)
    .execute();
  const [withdrawn, ...others] = items.map((item) => String(item.id));
  await db.updateTable("items").set({ status: "withdrawn" }).where("id", "=", withdrawn!).execute();

  const result = await env.run("items.change-policy", {
    params: { policy: "Non-circulating" },
    records: { target: "items", ids: items.map((item) => item.id) },
  });

  expect(result.status).toBe("completed_with_errors");
  expect(result.records.failed).toEqual([
    { id: withdrawn, reason: expect.stringContaining("is withdrawn") },
  ]);
  expect([...result.records.changed].sort()).toEqual([...others].sort());
  const changed = await db
    .selectFrom("items")
    .select("item_policy")
    .where("id", "in", others)
    .execute();
  expect(changed.map((item) => item.item_policy)).toEqual(others.map(() => "Non-circulating"));
});

const Params = z.object({});
const pauseJob = (states: readonly [string, string]) =>
  defineJob({
    id: "tests.pause",
    title: "Pause",
    category: "Tests",
    description: "Waits a day, then ends.",
    params: Params,
    machine: setup({ types: { input: {} as z.infer<typeof Params> } }).createMachine({
      id: "pause",
      initial: states[0],
      states: {
        [states[0]]: { after: { 86400000: states[1] } },
        [states[1]]: { type: "final" },
      },
    }),
  });

test("the replay check names the state a finished run went through that the edited job no longer has", async () => {
  await using env = await createJobTestEnvironment({
    jobs: [pauseJob(["pausing", "done"])],
    databaseUrl,
  });
  const run = await env.start("tests.pause");
  await env.clock.advance("1d");
  expect((await run.result()).status).toBe("completed");
  expect(await env.replay(run.id)).toMatchObject({ resumes: true });

  await env.engine.reloadJobs([{ definition: pauseJob(["resting", "done"]), file: null }]);
  expect(await env.replay(run.id)).toEqual({
    resumes: false,
    problems: [`At state "pausing": state "pausing" no longer exists`],
  });
});

test("a schedule's due times across an advance each start a run", async () => {
  await using env = await createJobTestEnvironment({
    jobs: [pauseJob(["pausing", "done"])],
    databaseUrl,
  });
  await env.engine.schedules.create({
    name: "Every hour",
    jobId: "tests.pause",
    timing: { kind: "hourly", minute: 0 },
    timezone: "UTC",
    createdBy: "test",
  });
  await env.clock.advance("3h");
  const runs = await env.engine.runs.list({ jobIds: ["tests.pause"] });
  expect(runs.runs).toHaveLength(3);
  expect(runs.runs.every((run) => run.trigger.kind === "schedule")).toBe(true);
});
