import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { previewSchedule, timingToCron } from "@docket/engine";
import { describeSchedule, timingFromCron } from "@docket/engine/testing";
import { InvalidParamsError, type ScheduleTiming } from "@docket/sdk";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./support/testDatabase.ts";

const docketBin = fileURLToPath(new URL("../packages/cli/bin/docket.js", import.meta.url));
const run = promisify(execFile);

/** Options of a `docket` child process working on `databaseUrl`. */
function onDatabase(databaseUrl: string) {
  return { env: { ...process.env, DATABASE_URL: databaseUrl } };
}

function iso(dates: readonly Date[]): string[] {
  return dates.map((date) => date.toISOString());
}

function invalidParams(body: () => unknown): InvalidParamsError {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidParamsError);
    return error as InvalidParamsError;
  }
  throw new Error("expected an InvalidParamsError");
}

const dailyAt0230 = timingToCron({ kind: "daily", time: "02:30" });

describe("schedule preview (the scheduler's own arithmetic)", () => {
  it("daily at 02:30 Europe/Berlin across the spring change (2026-03-29, 02:00 → 03:00)", () => {
    expect(dailyAt0230).toBe("30 2 * * *");
    const dates = previewSchedule({
      cron: dailyAt0230,
      timezone: "Europe/Berlin",
      from: new Date("2026-03-27T00:00:00Z"),
      count: 5,
    });
    expect(iso(dates)).toEqual([
      "2026-03-27T01:30:00.000Z", // 02:30 CET (UTC+1)
      "2026-03-28T01:30:00.000Z",
      // 02:30 does not exist on 29 March: clocks jump from 02:00 CET to 03:00 CEST.
      // croner treats a single fixed time as Vixie cron does: it fires at the first
      // instant after the gap, 03:00 CEST = 01:00Z (not skipped, not at 00:30Z,
      // which is 01:30 CET, an hour before the due time).
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:30:00.000Z", // 02:30 CEST (UTC+2) from now on
      "2026-03-31T00:30:00.000Z",
    ]);
  });

  it("daily at 02:30 Europe/Berlin across the autumn change (2026-10-25, 02:00–03:00 twice)", () => {
    const dates = previewSchedule({
      cron: dailyAt0230,
      timezone: "Europe/Berlin",
      from: new Date("2026-10-23T00:00:00Z"),
      count: 4,
    });
    expect(iso(dates)).toEqual([
      "2026-10-23T00:30:00.000Z", // 02:30 CEST
      "2026-10-24T00:30:00.000Z",
      // 02:30 happens twice on 25 October; a fixed time fires once, at the first (CEST).
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z", // 02:30 CET
    ]);
  });

  it("interval expressions skip the missing hour and run through the repeated one", () => {
    const spring = previewSchedule({
      cron: "*/30 * * * *",
      timezone: "Europe/Berlin",
      from: new Date("2026-03-29T00:00:00Z"), // 01:00 CET
      count: 3,
    });
    // 01:30 CET, then 03:00 CEST: 02:00 and 02:30 do not exist.
    expect(iso(spring)).toEqual([
      "2026-03-29T00:30:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-29T01:30:00.000Z",
    ]);
    const autumn = previewSchedule({
      cron: "*/30 * * * *",
      timezone: "Europe/Berlin",
      from: new Date("2026-10-25T00:00:00Z"), // 02:00 CEST
      count: 4,
    });
    // 02:30 CEST, 02:00 CET, 02:30 CET, 03:00 CET: every half hour of real time.
    expect(iso(autumn)).toEqual([
      "2026-10-25T00:30:00.000Z",
      "2026-10-25T01:00:00.000Z",
      "2026-10-25T01:30:00.000Z",
      "2026-10-25T02:00:00.000Z",
    ]);
  });

  it("a time inside another zone's skipped hour (New York, 2026-03-08) fires when the gap ends", () => {
    const dates = previewSchedule({
      cron: dailyAt0230,
      timezone: "America/New_York",
      from: new Date("2026-03-07T00:00:00Z"),
      count: 3,
    });
    expect(iso(dates)).toEqual([
      "2026-03-07T07:30:00.000Z", // 02:30 EST (UTC-5)
      "2026-03-08T07:00:00.000Z", // 02:30 does not exist: 03:00 EDT
      "2026-03-09T06:30:00.000Z", // 02:30 EDT (UTC-4)
    ]);
  });

  it("lists due times strictly after `from`, 5 by default", () => {
    const from = new Date("2026-01-01T10:00:00Z");
    const dates = previewSchedule({ cron: "0 * * * *", timezone: "UTC", from });
    expect(iso(dates)).toEqual([
      "2026-01-01T11:00:00.000Z",
      "2026-01-01T12:00:00.000Z",
      "2026-01-01T13:00:00.000Z",
      "2026-01-01T14:00:00.000Z",
      "2026-01-01T15:00:00.000Z",
    ]);
  });

  it("refuses malformed cron expressions with a message a person understands, at `cron`", () => {
    const cases: [string, RegExp][] = [
      ["61 * * * *", /not a valid cron expression: Invalid value for minute: 61/],
      ["* * *", /has 5 fields: minute \(0-59\) hour .*; "\* \* \*" has 3/],
      ["@daily", /has 5 fields/],
      ["* * * * * *", /has 6/],
      ["every day", /has 5 fields.*has 2/],
      ["a b c d e", /not a valid cron expression: .*illegal characters/],
      ["0 0 30 2 *", /never matches a date/],
    ];
    for (const [cron, message] of cases) {
      const error = invalidParams(() => previewSchedule({ cron, timezone: "UTC" }));
      expect(error.issues, cron).toEqual([
        { path: "cron", message: expect.stringMatching(message) },
      ]);
      expect(error.message).toMatch(/^Invalid cron expression: /);
    }
  });

  it("refuses unknown time zones and UTC offsets at `timezone`, and accepts IANA names in any case", () => {
    for (const timezone of ["Mars/Base", "Europe/Berlinn", "+01:00", ""]) {
      const error = invalidParams(() => previewSchedule({ cron: "* * * * *", timezone }));
      expect(error.issues, timezone).toEqual([
        { path: "timezone", message: expect.stringMatching(/Unknown time zone .*IANA name/) },
      ]);
    }
    const from = new Date("2026-01-01T00:00:00Z");
    expect(
      iso(previewSchedule({ cron: "0 12 * * *", timezone: "asia/tokyo", from, count: 1 })),
    ).toEqual(["2026-01-01T03:00:00.000Z"]);
  });

  it("refuses counts outside 1..100", () => {
    for (const count of [0, 101, 1.5]) {
      const error = invalidParams(() =>
        previewSchedule({ cron: "* * * * *", timezone: "UTC", count }),
      );
      expect(error.issues[0]?.path).toBe("count");
    }
  });

  it("turns the predefined choices into cron, back, and into words", () => {
    const choices: [ScheduleTiming, string, string][] = [
      [{ kind: "hourly", minute: 5 }, "5 * * * *", "Every hour at minute 05 (UTC)"],
      [{ kind: "daily", time: "02:30" }, "30 2 * * *", "Every day at 02:30 (UTC)"],
      [
        { kind: "weekly", day: "monday", time: "06:00" },
        "0 6 * * 1",
        "Every Monday at 06:00 (UTC)",
      ],
      [
        { kind: "monthly", day: 28, time: "23:59" },
        "59 23 28 * *",
        "Every month on day 28 at 23:59 (UTC)",
      ],
      [{ kind: "cron", cron: " 5  4 * *   1-5 " }, "5 4 * * 1-5", 'Cron "5 4 * * 1-5" (UTC)'],
      [{ kind: "cron", cron: "* * * * *" }, "* * * * *", "Every minute (UTC)"],
      [{ kind: "cron", cron: "*/15 * * * *" }, "*/15 * * * *", "Every 15 minutes (UTC)"],
    ];
    for (const [timing, cron, words] of choices) {
      expect(timingToCron(timing)).toBe(cron);
      expect(timingFromCron(cron)).toEqual(
        timing.kind === "cron" ? { kind: "cron", cron } : timing,
      );
      expect(describeSchedule(cron, "UTC")).toBe(words);
    }
    expect(describeSchedule("30 2 * * *", "Europe/Berlin")).toBe(
      "Every day at 02:30 (Europe/Berlin)",
    );
  });

  it("refuses bad predefined choices at their field", () => {
    const cases: [ScheduleTiming, string][] = [
      [{ kind: "hourly", minute: 60 }, "timing.minute"],
      [{ kind: "daily", time: "24:00" }, "timing.time"],
      [{ kind: "daily", time: "2.30" }, "timing.time"],
      [{ kind: "weekly", day: "someday" as "monday", time: "06:00" }, "timing.day"],
      [{ kind: "monthly", day: 31, time: "06:00" }, "timing.day"],
      [{ kind: "cron", cron: "61 * * * *" }, "timing.cron"],
    ];
    for (const [timing, path] of cases) {
      const error = invalidParams(() => timingToCron(timing));
      expect(error.issues.map((issue) => issue.path)).toEqual([path]);
    }
  });

  it("`docket schedules preview --json` prints exactly the engine's instants, as ISO-8601 UTC", async () => {
    // It asks the API (`schedules.preview`), here in process on a database of its own.
    await using database = await createTestDatabase();
    const from = "2026-03-27T00:00:00Z";
    const expected = iso(
      previewSchedule({
        cron: "30 2 * * *",
        timezone: "Europe/Berlin",
        from: new Date(from),
        count: 7,
      }),
    );
    expect(expected).toHaveLength(7);
    // The cron expression, and the predefined choice that means the same, give these instants.
    for (const timing of [
      ["--cron", "30 2 * * *"],
      ["--daily", "02:30"],
    ]) {
      const args = [...timing, "--tz", "Europe/Berlin", "--from", from, "--count", "7", "--json"];
      const { stdout } = await run(
        process.execPath,
        [docketBin, "schedules", "preview", ...args],
        onDatabase(database.url),
      );
      expect(JSON.parse(stdout), timing.join(" ")).toEqual(expected);
    }
  });

  it("`docket schedules preview` with a bad expression exits 2, names the problem, prints nothing on stdout", async () => {
    await using database = await createTestDatabase();
    const failure = await run(
      process.execPath,
      [docketBin, "schedules", "preview", "--cron", "61 * * * *", "--tz", "UTC", "--json"],
      onDatabase(database.url),
    ).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stdout).toBe("");
    expect(failure?.stderr).toMatch(/Invalid value for minute: 61/);
  });
});
