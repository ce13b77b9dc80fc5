import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createApiContext, createCaller } from "@docket/api";
import { describe, expect, it } from "vitest";
import { maxStackLength, stackOf } from "../packages/engine/src/runner/runEndDetails.ts";
import { docket, fixtureCliEnv, output, startWorker } from "./support/docketCli.ts";
import { createTestEngine, fixtureJobsDir, waitForStatus } from "./support/testEngine.ts";

const flakyFile = path.join(fixtureJobsDir, "fixtures.flaky.ts");
/** The line of fixtures.flaky.ts that throws when `fatal` is set. */
const throwLine =
  readFileSync(flakyFile, "utf8")
    .split("\n")
    .findIndex((line) => line.includes("throw new NonRetriableError")) + 1;
const message = "The record is gone; retrying cannot help";

describe("a failed step's error", () => {
  it("keeps its stack and the line of the job's file that threw, in the API and docket run-status", async () => {
    expect(throwLine).toBeGreaterThan(0);
    await using t = await createTestEngine();
    const env = fixtureCliEnv(t.database);
    // A `docket worker` process runs it, loading the job file as production does (a file URL in its stack).
    await using _worker = await startWorker(env);
    const api = createCaller(
      createApiContext(t.engine, { name: "ana", role: "staff", institution: "main" }),
    );
    const started = await api.runs.start({
      jobId: "fixtures.flaky",
      params: { failures: 0, fatal: true },
    });
    await waitForStatus(t.engine, started.id, ["failed"]);

    const run = await api.runs.get({ id: started.id });
    expect(run.error).toMatchObject({
      message,
      name: "NonRetriableError",
      location: { file: flakyFile, line: throwLine },
    });
    expect(run.error?.stack).toMatch(new RegExp(`^NonRetriableError: ${message}\\n`));
    expect(run.error?.stack).toContain(`${pathToFileURL(flakyFile).href}:${throwLine}:`);

    const [json, human] = await Promise.all([
      docket(env, "run-status", started.id, "--json"),
      docket(env, "run-status", started.id),
    ]);
    expect(json.code, output(json)).toBe(0);
    const shown = JSON.parse(json.stdout) as {
      error: { stack: string; location: { file: string; line: number } };
    };
    expect(shown.error.location).toEqual({ file: flakyFile, line: throwLine });
    expect(shown.error.stack).toContain(`fixtures/jobs/fixtures.flaky.ts:${throwLine}:`);
    expect(human.code, output(human)).toBe(0);
    // The message, then where the job's file threw it, relative to the working directory.
    expect(human.stdout).toMatch(
      new RegExp(
        `^Error +${message}\\n +at test/fixtures/jobs/fixtures\\.flaky\\.ts:${throwLine}$`,
        "m",
      ),
    );
  });

  it("is placed at the job's own line when a helper threw, bounded to 4 KB, and left unplaced without a stack", () => {
    const file = "/srv/docket/jobs/items.check.ts";
    const url = pathToFileURL(file).href;
    const helper = Object.assign(new Error("boom"), {
      stack: [
        "Error: boom",
        "    at lookup (file:///srv/docket/jobs/lib/catalog.ts:3:9)",
        `    at check (${url}?v=4:17:11)`,
        `    at async run (${url}?v=4:30:5)`,
      ].join("\n"),
    });
    expect(stackOf(helper, file)).toEqual({ stack: helper.stack, location: { file, line: 17 } });
    // Frames of a module loaded by path (CommonJS, a test runner) name the path.
    const byPath = Object.assign(new Error("boom"), {
      stack: `Error: boom\n    at ${file}:8:3\n    at run (${file}:30:5)`,
    });
    expect(stackOf(byPath, file).location).toEqual({ file, line: 8 });
    // A job registered in code has no file; another job's file is not this one's.
    expect(stackOf(helper, null)).toEqual({ stack: helper.stack });
    expect(stackOf(helper, "/srv/docket/jobs/items.other.ts")).toEqual({ stack: helper.stack });
    expect(stackOf("a thrown string", file)).toEqual({});

    const deep = Object.assign(new Error("deep"), {
      stack: `Error: deep\n${`    at frame (${url}:5:1)\n`.repeat(200)}`,
    });
    const kept = stackOf(deep, file);
    expect(kept.stack!.length).toBeLessThanOrEqual(maxStackLength + 40);
    expect(kept.stack).toMatch(/\n {4}… \(cut at 4096 characters\)$/);
    expect(kept.location).toEqual({ file, line: 5 });
  });
});
