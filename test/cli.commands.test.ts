import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Docket, docket, output, queryRows, startWorker, uuidLine } from "./support/docketCli.ts";
import { createTestDatabase, type TestDatabase } from "./support/testDatabase.ts";

const fixtureJobsDir = fileURLToPath(new URL("./fixtures/jobs/", import.meta.url));
/** One job per fixture file, named after it. */
const fixtureJobIds = readdirSync(fixtureJobsDir)
  .filter((file) => /^fixtures\..+\.ts$/.test(file))
  .map((file) => file.replace(/\.ts$/, ""))
  .sort();

/** Environment of a CLI child: the test database and the fixture jobs. */
function cliEnv(database: TestDatabase): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: database.url,
    DOCKET_FIXTURE_DATABASE_URL: database.url,
    DOCKET_JOBS_DIR: fixtureJobsDir,
  };
}

async function runStatusJson(env: NodeJS.ProcessEnv, runId: string) {
  const result = await docket(env, "run-status", runId, "--json");
  expect(result.code, output(result)).toBe(0);
  return JSON.parse(result.stdout) as {
    id: string;
    jobId: string;
    status: string;
    error: { message: string } | null;
  };
}

describe("docket CLI", () => {
  it("lists the job types as JSON, saying on stderr which database it uses", async () => {
    await using database = await createTestDatabase();
    const result = await docket(cliEnv(database), "jobs", "--json");
    expect(result.code, output(result)).toBe(0);
    const jobs = JSON.parse(result.stdout) as { id: string; category: string; title: string }[];
    // Built-in job types of the engine may be listed too.
    expect(jobs.map((job) => job.id).filter((id) => id.startsWith("fixtures."))).toEqual(
      fixtureJobIds,
    );
    expect(jobs.find((job) => job.id === "fixtures.noop")).toMatchObject({
      category: "Fixtures",
      title: "No-op",
    });
    const shown = new URL(database.url);
    if (shown.password) shown.password = "***"; // never print a password
    expect(result.stderr).toContain(`Database: ${shown} (from DATABASE_URL)`);
  });

  it("runs a job to completion with --wait while a separate worker process executes it", async () => {
    await using database = await createTestDatabase();
    const env = cliEnv(database);
    await using worker = await startWorker(env);

    const result = await docket(env, "run", "fixtures.noop", "--wait");
    expect(result.code, output(result)).toBe(0);
    const runId = result.stdout.match(uuidLine)?.[1];
    expect(runId, output(result)).toBeDefined();
    expect(result.stdout.trim()).toBe(runId);
    expect(result.stderr).toMatch(new RegExp(`Run ${runId} completed after`));
    await worker.waitFor(new RegExp(`^run ${runId} completed$`, "m"));

    expect(await runStatusJson(env, runId!)).toMatchObject({
      id: runId,
      jobId: "fixtures.noop",
      status: "completed",
    });
    const completed = await docket(env, "runs", "--status", "completed,failed", "--json");
    expect(JSON.parse(completed.stdout).map((run: { id: string }) => run.id)).toEqual([runId]);
    const pending = await docket(env, "runs", "--status", "pending", "--json");
    expect(JSON.parse(pending.stdout)).toEqual([]);
  });

  it("exits 1 with the run's error when the awaited run fails", async () => {
    await using database = await createTestDatabase();
    const env = cliEnv(database);
    await using _worker = await startWorker(env);

    const result = await docket(
      env,
      "run",
      "fixtures.flaky",
      "--param",
      "failures=0",
      "--param",
      "fatal=true",
      "--wait",
    );
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr).toContain("The record is gone; retrying cannot help");
    const runId = result.stdout.match(uuidLine)?.[1];
    expect(runId, output(result)).toBeDefined();
    // `--param` values are JSON when they parse: the run got a number and a boolean.
    const [row] = await queryRows<{ params: unknown }>(
      database,
      "select params from runs where id = $1",
      [runId],
    );
    expect(row?.params).toEqual({ failures: 0, fatal: true });
    expect(await runStatusJson(env, runId!)).toMatchObject({
      status: "failed",
      error: { message: "The record is gone; retrying cannot help" },
    });
  });

  it("refuses invalid params, unknown jobs and malformed JSON with one clear line, storing nothing", async () => {
    await using database = await createTestDatabase();
    const env = cliEnv(database);
    const [invalid, unknown, malformed, notObject] = await Promise.all([
      docket(env, "run", "fixtures.side-effect", "--param", "label=5"),
      docket(env, "run", "fixtures.nope"),
      docket(env, "run", "fixtures.noop", "--params-json", "{bad"),
      docket(env, "run", "fixtures.noop", "--params-json", "[1, 2]"),
    ]);

    expect(invalid.code, output(invalid)).toBe(2);
    expect(invalid.stderr).toMatch(
      /^Error: Invalid parameters for job "fixtures.side-effect": params\.label: /m,
    );
    expect(unknown.code, output(unknown)).toBe(1);
    expect(unknown.stderr).toMatch(/^Error: Unknown job "fixtures.nope". Known jobs: .+\.$/m);
    for (const id of fixtureJobIds) expect(unknown.stderr).toContain(id);
    expect(malformed.code, output(malformed)).toBe(2);
    expect(malformed.stderr).toMatch(/^Error: --params-json is not valid JSON: .+/m);
    expect(notObject.code, output(notObject)).toBe(2);
    expect(notObject.stderr).toContain("--params-json must be a JSON object");
    for (const result of [invalid, unknown, malformed, notObject]) {
      expect(result.stdout, output(result)).toBe("");
      expect(result.stderr.match(/^Error: /gm), output(result)).toHaveLength(1);
      expect(result.stderr, output(result)).not.toMatch(/^\s+at /m);
    }

    const runs = await docket(env, "runs", "--json");
    expect(JSON.parse(runs.stdout)).toEqual([]);
    const [counts] = await queryRows<{ runs: number; queued: number }>(
      database,
      "select (select count(*)::int from runs) as runs, (select count(*)::int from pgboss.job) as queued",
    );
    expect(counts).toEqual({ runs: 0, queued: 0 });
  });

  it("says an unknown run is not found", async () => {
    await using database = await createTestDatabase();
    const runId = "2d9c2b9e-3a55-4c47-9a43-5d7f6f0d6a11";
    const result = await docket(cliEnv(database), "run-status", runId);
    expect(result.code, output(result)).toBe(1);
    expect(result.stderr).toContain(`Error: Unknown run "${runId}".`);
    expect(result.stdout).toBe("");
  });

  it("aborts a blocking run; the command waiting for it reports the abort and exits 1", async () => {
    await using database = await createTestDatabase();
    const env = cliEnv(database);
    await using _worker = await startWorker(env);
    await using waiting = new Docket(["run", "fixtures.blocking", "--wait"], env);
    const [, runId] = await waiting.waitFor(uuidLine);
    // Without a terminal, the progress display prints a line per status change.
    await waiting.waitFor(/^running\b/m, "stderr");

    const abort = await docket(env, "abort", runId!);
    expect(abort.code, output(abort)).toBe(0);
    expect(abort.stdout).toMatch(new RegExp(`Run ${runId} is (aborting|aborted)`));

    const waited = await waiting.result();
    expect(waited.code, output(waited)).toBe(1);
    expect(waited.stderr).toMatch(new RegExp(`Run ${runId} was aborted after`));
    expect((await runStatusJson(env, runId!)).status).toBe("aborted");
    const signals = await queryRows(
      database,
      "select 1 from fixture_signals where run_id = $1 and what = 'aborted'",
      [runId],
    );
    expect(signals).toHaveLength(1);
  });

  it("stops waiting on Ctrl-C but leaves the run going", async () => {
    await using database = await createTestDatabase();
    const env = cliEnv(database);
    await using waiting = new Docket(["run", "fixtures.noop", "--wait"], env);
    const [, runId] = await waiting.waitFor(uuidLine);
    await waiting.waitFor(/^pending\b/m, "stderr"); // following, so Ctrl-C is handled
    waiting.kill("SIGINT");
    const result = await waiting.result();
    expect(result.code, output(result)).toBe(130);
    expect(result.stderr).toContain(
      `Stopped waiting. Run ${runId} is still pending and keeps going`,
    );
    const [row] = await queryRows<{ status: string }>(
      database,
      "select status from runs where id = $1",
      [runId],
    );
    expect(row?.status).toBe("pending");
  });

  it("stops a worker gracefully on SIGTERM with exit code 0", async () => {
    await using database = await createTestDatabase();
    await using worker = await startWorker(cliEnv(database));
    const [, workerId] = await worker.waitFor(/^worker (\S+) ready/m);
    worker.kill("SIGTERM");
    const result = await worker.result();
    expect(result.code, output(result)).toBe(0);
    expect(result.stdout).toContain(`worker ${workerId} stopped`);
  });

  it("shows help for every command without touching a database", async () => {
    // An unreachable database: help must not need one.
    const env = { ...process.env, DATABASE_URL: "postgres://nobody:secret@127.0.0.1:1/none" };
    const names = ["start", "worker", "migrate", "jobs", "run", "runs", "run-status", "abort"];
    const overview = await docket(env, "--help");
    expect(overview.code, output(overview)).toBe(0);
    for (const name of names) expect(overview.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));

    const helps = await Promise.all(names.map((name) => docket(env, name, "--help")));
    helps.forEach((result, index) => {
      expect(result.code, output(result)).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: docket ${names[index]}\\b`));
      expect(result.stdout).toContain("--json");
      expect(result.stderr).toBe("");
    });
    const viaHelp = await docket(env, "help", "run");
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(helps[names.indexOf("run")]?.stdout);
  });
});
