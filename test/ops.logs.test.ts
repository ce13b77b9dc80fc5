import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { logLevelFrom } from "../packages/engine/src/telemetry/logger.ts";
import { spawnWorker } from "./support/childWorker.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const jobsDir = fileURLToPath(new URL("./fixtures/telemetry-jobs/", import.meta.url));

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly runId?: string;
  readonly jobId?: string;
  readonly workerId?: string;
  readonly error?: string;
}

describe("structured logs", () => {
  it("a worker process logs a failed run as a JSON line with its run, job and worker", async () => {
    await using t = await createTestEngine({ jobsDir });
    // Not a terminal (a pipe): JSON lines, as a log collector reads them.
    const worker = spawnWorker(t.database.url, {
      DOCKET_JOBS_DIR: jobsDir,
      DOCKET_LOG_LEVEL: "info",
    });
    let stderr = "";
    let stdout = "";
    worker.process.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    worker.process.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const workerId = await worker.ready;
    const run = await t.engine.runs.start({
      jobId: "ops.always-fails",
      params: {},
      createdBy: "ana",
    });
    await waitForStatus(t.engine, run.id, ["failed", "completed"]);
    worker.process.kill("SIGTERM");
    expect(await worker.exited).toBe(0);

    const lines = stderr.split("\n").filter((line) => line.trim() !== "");
    // Every line the worker wrote to stderr is one JSON object.
    const records = lines.map((line) => JSON.parse(line) as LogLine);
    const failure = records.find((record) => record.runId === run.id);
    expect(failure).toMatchObject({
      level: 40, // warn
      msg: "Run failed: The catalog answered 503",
      runId: run.id,
      jobId: "ops.always-fails",
      workerId,
      error: "The catalog answered 503",
    });
    // stdout stays for results (here the harness's own `ready`/`stopped` lines), not the log.
    expect(stdout).not.toContain('"level"');
  });

  it("takes its level from DOCKET_LOG_LEVEL and names the levels when it is not one", () => {
    expect(logLevelFrom(undefined)).toEqual({ level: "info" });
    expect(logLevelFrom(" Debug ")).toEqual({ level: "debug" });
    expect(logLevelFrom("silent")).toEqual({ level: "silent" });
    const wrong = logLevelFrom("verbose");
    expect(wrong.level).toBe("info");
    expect(wrong.problem).toBe(
      'DOCKET_LOG_LEVEL "verbose" is not a log level (trace, debug, info, warn, error, fatal, silent); logging at info.',
    );
  });
});
