import type { Engine } from "@docket/engine";
import { fireDueSchedules } from "@docket/engine/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { type ChildWorker, spawnWorker } from "./support/childWorker.ts";
import { pollUntil } from "./support/poll.ts";
import {
  advanceShiftedClockTo,
  installShiftedClock,
  readShiftedClock,
  shiftedClockEnv,
} from "./support/shiftedClock.ts";
import { createTestEngine } from "./support/testEngine.ts";

const minute = 60_000;

/** Runs a schedule started, oldest first. */
async function runsOf(engine: Engine, scheduleId: string) {
  return engine.internals.db
    .selectFrom("runs")
    .select(["id", "status", "created_at", "params", "created_by"])
    .where(sql<boolean>`trigger->>'scheduleId' = ${scheduleId}`)
    .orderBy("created_at")
    .execute();
}

async function scheduleRow(engine: Engine, scheduleId: string) {
  return engine.internals.db
    .selectFrom("schedules")
    .selectAll()
    .where("id", "=", scheduleId)
    .executeTakeFirstOrThrow();
}

function depsOf(engine: Engine) {
  return { db: engine.internals.db, boss: engine.internals.boss, registry: engine.registry };
}

describe("the scheduler", () => {
  it("applies the missed policy to due times missed while no worker ran (one tick)", async () => {
    await using t = await createTestEngine();
    const { engine } = t;
    // A daily time an hour ago: its only due time in the past hour was missed.
    const hourAgo = new Date(Date.now() - 60 * minute);
    const daily = `${hourAgo.getUTCMinutes()} ${hourAgo.getUTCHours()} * * *`;
    const create = (name: string, missed: "skip" | "once", cron = daily) =>
      engine.schedules.create({
        name,
        jobId: "fixtures.noop",
        timing: { kind: "cron", cron },
        timezone: "UTC",
        missed,
        createdBy: "ana",
      });
    const skip = await create("Missed, skip", "skip");
    const once = await create("Missed, once", "once");
    // Due every minute: its latest due time (this minute) is on time even under `skip`.
    const everyMinute = await create("Every minute, skip", "skip", "* * * * *");
    const jobGone = await create("Job gone", "once");
    const paramsBad = await engine.schedules.create({
      name: "Params gone bad",
      jobId: "fixtures.sleepy",
      params: { napMs: 1 },
      timing: { kind: "cron", cron: daily },
      timezone: "UTC",
      missed: "once",
      createdBy: "ana",
    });
    const off = await create("Inactive", "once");
    await engine.schedules.setActive(off.id, false);
    const db = engine.internals.db;
    await db
      .updateTable("schedules")
      .set({ next_due_at: sql<Date>`now() - interval '1 hour'` })
      .where("id", "in", [skip.id, once.id, everyMinute.id, jobGone.id, paramsBad.id, off.id])
      .execute();
    // Since the schedules were saved, a job was removed and another one's params changed.
    await db
      .updateTable("schedules")
      .set({ job_id: "fixtures.removed" })
      .where("id", "=", jobGone.id)
      .execute();
    await db
      .updateTable("schedules")
      .set({ params: JSON.stringify({ napMs: "long" }) })
      .where("id", "=", paramsBad.id)
      .execute();

    const warnings: string[] = [];
    const tickStart = Date.now();
    const tick = await fireDueSchedules(depsOf(engine), {
      warn: (message) => warnings.push(message),
    });
    expect(tick.handled).toBe(5);
    expect(tick.fired.map((f) => [f.scheduleId, f.catchUp]).sort()).toEqual(
      [
        [once.id, true],
        [everyMinute.id, false],
      ].sort(),
    );
    expect(tick.skipped.map((s) => [s.scheduleId, s.reason]).sort()).toEqual(
      [
        [skip.id, "missed"],
        [jobGone.id, "problem"],
        [paramsBad.id, "problem"],
      ].sort(),
    );
    expect(warnings).toHaveLength(3);
    expect(warnings.join("\n")).toMatch(/"Missed, skip".*no worker ran at that time/);
    expect(warnings.join("\n")).toMatch(/"Job gone".*job "fixtures.removed".*no longer exists/);
    expect(warnings.join("\n")).toMatch(/"Params gone bad".*params\.napMs/);

    expect(await runsOf(engine, skip.id)).toHaveLength(0);
    expect(await runsOf(engine, jobGone.id)).toHaveLength(0);
    expect(await runsOf(engine, paramsBad.id)).toHaveLength(0);
    expect(await runsOf(engine, off.id)).toHaveLength(0);
    const [onceRun, ...moreOnce] = await runsOf(engine, once.id);
    expect(moreOnce).toEqual([]);
    expect(onceRun).toMatchObject({ created_by: "ana", params: {} });
    expect(await runsOf(engine, everyMinute.id)).toHaveLength(1);

    // Each is advanced to its first due time after now, and keeps existing.
    for (const schedule of [skip, once, jobGone, paramsBad]) {
      const row = await scheduleRow(engine, schedule.id);
      expect(row.next_due_at?.getTime()).toBeGreaterThan(tickStart);
      expect(row.next_due_at?.getTime()).toBeLessThanOrEqual(tickStart + 24 * 60 * minute);
      expect(row.next_due_at?.getUTCHours()).toBe(hourAgo.getUTCHours());
      expect(row.next_due_at?.getUTCMinutes()).toBe(hourAgo.getUTCMinutes());
    }
    const minuteRow = await scheduleRow(engine, everyMinute.id);
    expect(minuteRow.next_due_at?.getTime()).toBeGreaterThan(tickStart);
    expect(minuteRow.next_due_at?.getTime()).toBeLessThanOrEqual(tickStart + minute + 1000);
    expect(await scheduleRow(engine, once.id)).toMatchObject({ last_run_id: onceRun?.id });
    expect((await scheduleRow(engine, jobGone.id)).last_run_id).toBeNull();
    expect((await scheduleRow(engine, off.id)).active).toBe(false);
    expect((await engine.schedules.get(jobGone.id)).problem).toMatch(/no longer exists/);
    expect((await engine.schedules.get(paramsBad.id)).problem).toMatch(/params\.napMs/);

    // Nothing is due any more (the every-minute one is switched off, or the next minute could come).
    await engine.schedules.setActive(everyMinute.id, false);
    expect((await fireDueSchedules(depsOf(engine))).handled).toBe(0);

    // Ticks racing for the same due time start one run between them.
    await db
      .updateTable("schedules")
      .set({ next_due_at: sql<Date>`now() - interval '1 second'` })
      .where("id", "=", once.id)
      .execute();
    const racing = await Promise.all(
      Array.from({ length: 6 }, () => fireDueSchedules(depsOf(engine))),
    );
    expect(racing.reduce((sum, r) => sum + r.fired.length, 0)).toBe(1);
    expect(await runsOf(engine, once.id)).toHaveLength(2);
  });

  it(
    "a schedule due every minute, with three worker processes running through 5 of its due times, produces exactly 5 runs, each starting within 5 s of its due time; a deactivated schedule produces none",
    async () => {
      await using t = await createTestEngine();
      const { engine } = t;
      const db = engine.internals.db;
      // Minutes pass in jumps: the workers' schedulers read a clock this test moves forward
      // (test/support/shiftedClock.ts), which between jumps runs at real speed.
      await installShiftedClock(db);
      const workers: ChildWorker[] = [1, 2, 3].map(() =>
        spawnWorker(t.database.url, shiftedClockEnv),
      );
      try {
        await Promise.all(workers.map((worker) => worker.ready));
        const active = await engine.schedules.create({
          name: "Every minute",
          jobId: "fixtures.noop",
          timing: { kind: "cron", cron: "* * * * *" },
          timezone: "Europe/Berlin",
          createdBy: "ana",
        });
        const inactive = await engine.schedules.create({
          name: "Every minute, switched off",
          jobId: "fixtures.noop",
          timing: { kind: "cron", cron: "* * * * *" },
          timezone: "UTC",
          active: false,
          createdBy: "ana",
        });
        const firstDue = active.nextDueAt?.getTime() ?? Number.NaN;
        expect(firstDue % minute).toBe(0);
        expect(firstDue - Date.now()).toBeLessThanOrEqual(minute);
        const dueTimes = [0, 1, 2, 3, 4].map((i) => firstDue + i * minute);

        // Five due times pass; each must have its run soon after it, and only that one.
        const firedAt: number[] = [];
        for (const [index, due] of dueTimes.entries()) {
          // A second before the due time: it comes on its own, for the schedulers to notice.
          await advanceShiftedClockTo(db, new Date(due - 1_000));
          const run = await pollUntil(
            `run ${index + 1} of the every-minute schedule (due ${new Date(due).toISOString()})`,
            async () => (await runsOf(engine, active.id))[index],
            { timeoutMs: 30_000, intervalMs: 100 },
          );
          // The run and the schedule's advance commit together: the schedule says when
          // (on the shifted clock) it started this run.
          const schedule = await scheduleRow(engine, active.id);
          expect(schedule.last_run_id).toBe(run.id);
          const fired = schedule.last_fired_at?.getTime() ?? Number.NaN;
          firedAt.push(fired);
          // Each worker (one pass a second) passes at least twice more over a due time it may
          // not fire again: a second run for it would show by then.
          await pollUntil(`2.5 s after due time ${index + 1} fired`, async () =>
            (await readShiftedClock(db)).getTime() >= fired + 2_500 ? true : undefined,
          );
          expect(await runsOf(engine, active.id)).toHaveLength(index + 1);
        }
        // Stop the schedule so a sixth due time cannot come.
        await engine.schedules.setActive(active.id, false);

        const runs = await runsOf(engine, active.id);
        const delays = firedAt.map((fired, index) => fired - (dueTimes[index] ?? Number.NaN));
        console.log(
          `[schedules.firing] start delays after the due minute (ms, on the workers' clock): ${delays.join(", ")}`,
        );
        expect(runs).toHaveLength(5);
        expect(firedAt.map((fired) => Math.floor(fired / minute) * minute)).toEqual(dueTimes);
        for (const delay of delays) {
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(5_000);
        }
        expect(await runsOf(engine, inactive.id)).toEqual([]);
        // The workers executed them, and the schedule points at the last one.
        await pollUntil(
          "the 5 scheduled runs to complete",
          async () =>
            (await runsOf(engine, active.id)).every((run) => run.status === "completed")
              ? true
              : undefined,
          { timeoutMs: 30_000, intervalMs: 200 },
        );
        expect((await engine.schedules.get(active.id)).lastRunId).toBe(runs[4]?.id);
        expect(runs.every((run) => run.created_by === "ana")).toBe(true);
      } finally {
        for (const worker of workers) worker.process.kill("SIGTERM");
        await Promise.all(workers.map((worker) => worker.exited));
      }
    },
    2 * minute,
  );
});
