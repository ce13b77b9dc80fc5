import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./support/testDatabase.ts";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const docketBin = fileURLToPath(new URL("../packages/cli/bin/docket.js", import.meta.url));
const fixtureJobsDir = fileURLToPath(new URL("./fixtures/jobs/", import.meta.url));

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real `docket` in a child process. */
function docket(databaseUrl: string, ...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [docketBin, ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: databaseUrl, DOCKET_JOBS_DIR: fixtureJobsDir },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("docket schedules", () => {
  it("adds, lists, switches on, runs now and removes a schedule; refuses bad input with exit 2", async () => {
    await using database = await createTestDatabase();
    const url = database.url;

    const added = await docket(
      url,
      "schedules",
      "add",
      "--name",
      "Naps",
      "--job",
      "fixtures.sleepy",
      "--param",
      "napMs=5",
      "--weekly",
      "mon@06:00",
      "--tz",
      "Europe/Berlin",
      "--missed",
      "once",
      "--inactive",
    );
    expect(added.stderr).toMatch(/Every Monday at 06:00 \(Europe\/Berlin\); inactive\./);
    expect(added.code).toBe(0);
    const id = added.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const listed = await docket(url, "schedules", "list", "--json");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        id,
        name: "Naps",
        jobId: "fixtures.sleepy",
        params: { napMs: 5 },
        cron: "0 6 * * 1",
        description: "Every Monday at 06:00 (Europe/Berlin)",
        active: false,
        missed: "once",
        nextDueAt: null,
      }),
    ]);

    const on = await docket(url, "schedules", "set-active", "Naps", "on", "--json");
    expect(on.code).toBe(0);
    const schedule = JSON.parse(on.stdout) as { active: boolean; upcoming: string[] };
    expect(schedule.active).toBe(true);
    expect(schedule.upcoming).toHaveLength(5);
    const table = await docket(url, "schedules", "list");
    expect(table.stdout).toMatch(
      /Naps\s+fixtures\.sleepy\s+Every Monday at 06:00 \(Europe\/Berlin\)\s+Mon /,
    );

    const runNow = await docket(url, "schedules", "run-now", "Naps", "--json");
    expect(runNow.code).toBe(0);
    expect(JSON.parse(runNow.stdout)).toMatchObject({
      jobId: "fixtures.sleepy",
      params: { napMs: 5 },
      trigger: { kind: "schedule", scheduleId: id },
    });

    const badCron = await docket(
      url,
      "schedules",
      "add",
      "--name",
      "Bad",
      "--job",
      "fixtures.noop",
      "--cron",
      "0 25 * * *",
      "--tz",
      "UTC",
    );
    expect(badCron).toMatchObject({ code: 2, stdout: "" });
    expect(badCron.stderr).toMatch(/Invalid value for hour: 25/);
    const badZone = await docket(
      url,
      "schedules",
      "add",
      "--name",
      "Bad",
      "--job",
      "fixtures.noop",
      "--daily",
      "02:30",
      "--tz",
      "Europe/Nowhere",
    );
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toMatch(/Unknown time zone "Europe\/Nowhere"/);
    const twoTimings = await docket(
      url,
      "schedules",
      "add",
      "--name",
      "Bad",
      "--job",
      "fixtures.noop",
      "--daily",
      "02:30",
      "--hourly",
      "5",
    );
    expect(twoTimings.code).toBe(2);
    expect(twoTimings.stderr).toMatch(/Give one of --hourly, --daily, not several/);

    const removed = await docket(url, "schedules", "remove", id);
    expect(removed).toMatchObject({ code: 0, stdout: `Deleted schedule "Naps" (${id}).\n` });
    expect(JSON.parse((await docket(url, "schedules", "list", "--json")).stdout)).toEqual([]);
    const unknown = await docket(url, "schedules", "remove", "Naps");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown schedule "Naps"/);
  });
});
