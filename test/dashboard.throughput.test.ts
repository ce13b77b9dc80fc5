import { createApiContext, createCaller } from "@docket/api";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createTestEngine } from "./support/testEngine.ts";

const hourMs = 3_600_000;

describe("dashboard throughput", () => {
  it("counts records per hour in SQL over every run that ended in the last 24 hours, not one page of runs", async () => {
    await using t = await createTestEngine();
    const { db } = t.engine.internals;
    const {
      rows: [clock],
    } = await sql<{ hour: Date }>`select date_trunc('hour', now()) as hour`.execute(db);
    const hour = new Date(clock?.hour ?? 0).getTime();
    const at = (msFromHour: number) => new Date(hour + msFromHour).toISOString();
    const insert = (
      count: number,
      run: { status: string; processed: number; started: string | null; ended: string | null },
    ) =>
      sql`
      insert into runs (job_id, machine_version, status, params, trigger, created_by, institution, started_at, ended_at, report)
      select 'fixtures.noop', 'v1', ${run.status}, '{}', '{"kind":"manual"}', 'ana', 'main',
             ${run.started}::timestamptz, ${run.ended}::timestamptz,
             jsonb_build_object('processed', ${run.processed}::int)
      from generate_series(1, ${count})`.execute(db);

    // 600 runs (more than a page of 500) of 2 records each, ended last hour, taking no time.
    await insert(600, {
      status: "completed",
      processed: 2,
      started: at(-50 * 60_000),
      ended: at(-50 * 60_000),
    });
    // One run of 300 records over an hour from 2½ hours ago: half in each hour it spans.
    await insert(1, {
      status: "completed_with_errors",
      processed: 300,
      started: at(-2.5 * hourMs),
      ended: at(-1.5 * hourMs),
    });
    // A failed run's records count too, in the current hour.
    await insert(1, { status: "failed", processed: 10, started: at(0), ended: at(0) });
    // Not counted: ended before the window, still running, or nothing processed.
    await insert(1, {
      status: "completed",
      processed: 50,
      started: at(-30 * hourMs),
      ended: at(-30 * hourMs),
    });
    await insert(1, { status: "running", processed: 70, started: at(-10 * 60_000), ended: null });
    await insert(5, { status: "completed", processed: 0, started: at(-5_000), ended: at(-5_000) });

    const staff = createCaller(
      createApiContext(t.engine, {
        name: "sam",
        role: "staff",
        institution: "main",
        userId: null,
        via: "session",
      }),
    );
    const hours = await staff.dashboard.throughput();
    expect(hours).toHaveLength(24);
    const starts = hours.map((entry) => Date.parse(entry.hourStart));
    // Consecutive hours, oldest first; the last is the current hour (the clock may have moved on).
    expect(starts.slice(1).map((start, index) => start - (starts[index] ?? 0))).toEqual(
      new Array(23).fill(hourMs),
    );
    expect(starts.at(-1)).toBeGreaterThanOrEqual(hour);
    const processedIn = new Map(
      hours.map((entry) => [Date.parse(entry.hourStart), entry.processed]),
    );
    expect({
      threeHoursAgo: processedIn.get(hour - 3 * hourMs),
      twoHoursAgo: processedIn.get(hour - 2 * hourMs),
      lastHour: processedIn.get(hour - hourMs),
      thisHour: processedIn.get(hour),
    }).toEqual({ threeHoursAgo: 150, twoHoursAgo: 150, lastHour: 1200, thisHour: 10 });
    expect(hours.reduce((sum, entry) => sum + entry.processed, 0)).toBe(1510);

    // A shorter window leaves out the older hours.
    const lastTwo = await staff.dashboard.throughput({ hours: 2 });
    expect(lastTwo.map((entry) => entry.processed)).toEqual(
      starts.at(-1) === hour ? [1200, 10] : [10, 0],
    );
    await expect(staff.dashboard.throughput({ hours: 0 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
