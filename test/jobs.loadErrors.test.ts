import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApiContext, createCaller } from "@docket/api";
import { createEngine } from "@docket/engine";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Docket, docket, output } from "./support/docketCli.ts";
import { freePort } from "./support/freePort.ts";
import { type JobFilesDir, jobFilesDir } from "./support/jobFiles.ts";
import { createTestDatabase, type TestDatabase } from "./support/testDatabase.ts";
import { waitForStatus } from "./support/testEngine.ts";

const noopFixture = readFileSync(
  fileURLToPath(new URL("./fixtures/jobs/fixtures.noop.ts", import.meta.url)),
  "utf8",
);

/** A job of one empty step (the no-op fixture) under the id `id`. */
function goodJob(id: string): string {
  return noopFixture.replace(`id: "fixtures.noop"`, `id: "${id}"`);
}

/** Throws while being imported, as a job reading a setting that is missing does. */
const throwsAtImport = `// Reads its setting when imported.
const host = process.env.DOCKET_TEST_NO_SUCH_SETTING;

if (!host) throw new Error("DOCKET_TEST_NO_SUCH_SETTING is not set");
`;
const throwLine = 4;

/** Defines a job with an id Docket refuses (upper case, underscore). */
const badId = goodJob("Bad_Id");
const badIdLine = badId.split("\n").findIndex((line) => line.includes(`id: "Bad_Id"`)) + 1;

/** What `docket start` and `docket worker` say of the two broken files; then they stop on SIGTERM. */
async function expectUnavailableNoted(command: Docket, dir: string): Promise<void> {
  expect(command.stderr).toContain(
    `Job unavailable, its file did not load: ${path.join(dir, "broken.throws.ts")}:${throwLine}: Error: DOCKET_TEST_NO_SUCH_SETTING is not set`,
  );
  expect(command.stderr).toContain(
    `Job unavailable, its file did not load: ${path.join(dir, "bad.id.ts")}:${badIdLine}: Job id "Bad_Id"`,
  );
  command.kill("SIGTERM");
  expect((await command.result()).code, output(await command.exited)).toBe(0);
}

interface ListedJob {
  id: string;
  unavailable: { file: string; line: number | null; id: string | null; message: string } | null;
}

describe("a job file that does not load stays with its job", () => {
  let dir: JobFilesDir;
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await jobFilesDir();
    await dir.write("good.one", goodJob("good.one"));
    await dir.write("good.two", goodJob("good.two"));
    await dir.write("broken.throws", throwsAtImport);
    await dir.write("bad.id", badId);
    database = await createTestDatabase();
    env = { ...process.env, DATABASE_URL: database.url, DOCKET_JOBS_DIR: dir.path };
  });

  afterAll(async () => {
    await database?.drop();
    await dir?.[Symbol.asyncDispose]();
  });

  it("lets docket runs, docket users list and docket worker work, and docket jobs lists the broken files with file, line and error", async () => {
    const runs = await docket(env, "runs");
    expect(runs.code, output(runs)).toBe(0);
    const users = await docket(env, "users", "list");
    expect(users.code, output(users)).toBe(0);

    const listed = await docket(env, "jobs", "--json");
    expect(listed.code, output(listed)).toBe(0);
    const jobs = JSON.parse(listed.stdout) as ListedJob[];
    expect(jobs.filter((job) => job.unavailable === null).map((job) => job.id)).toEqual(
      expect.arrayContaining(["good.one", "good.two"]),
    );
    expect(jobs.find((job) => job.id === "broken.throws")?.unavailable).toEqual({
      file: path.join(dir.path, "broken.throws.ts"),
      line: throwLine,
      id: null,
      message: "Error: DOCKET_TEST_NO_SUCH_SETTING is not set",
    });
    expect(jobs.find((job) => job.id === "bad.id")?.unavailable).toEqual({
      file: path.join(dir.path, "bad.id.ts"),
      line: badIdLine,
      id: "Bad_Id",
      message: expect.stringContaining(
        `Job id "Bad_Id" in ${path.join(dir.path, "bad.id.ts")} is not valid`,
      ),
    });

    const table = await docket(env, "jobs");
    expect(table.code, output(table)).toBe(0);
    expect(table.stdout).toMatch(/^good\.one\s+Fixtures/m);
    expect(table.stdout).toContain(
      `broken.throws.ts:${throwLine}: Error: DOCKET_TEST_NO_SUCH_SETTING is not set`,
    );
    expect(table.stdout).toContain(`bad.id.ts:${badIdLine}: Job id "Bad_Id"`);

    // The worker says which jobs are unavailable, then takes the others' runs.
    await using worker = new Docket(["worker", "--concurrency", "1"], env);
    const ready = await worker.waitFor(/^worker \S+ ready .*jobs: ([^)]*)\)/m);
    expect(ready[1]?.split(", ")).toEqual(expect.arrayContaining(["good.one", "good.two"]));
    await expectUnavailableNoted(worker, dir.path);
  });

  it("lets docket start serve, saying which job files did not load", async () => {
    const port = String(await freePort());
    await using start = new Docket(["start", "--no-web", "--no-seed", "--port", port], env);
    await start.waitFor(/^Docket is running at/m);
    await expectUnavailableNoted(start, dir.path);
  });

  it("an engine on that directory runs a good job; the API lists the broken ones as unavailable and refuses to start them", async () => {
    const engine = await createEngine({ connectionString: database.url, jobsDir: dir.path });
    try {
      expect(engine.registry.list().map((job) => job.id)).toEqual(
        expect.arrayContaining(["good.one", "good.two"]),
      );
      expect(engine.registry.problems().map((problem) => path.basename(problem.file))).toEqual([
        "bad.id.ts",
        "broken.throws.ts",
      ]);
      await engine.startWorker({ concurrency: 1 });
      const run = await engine.runs.start({ jobId: "good.one", params: {}, createdBy: "ana" });
      expect((await waitForStatus(engine, run.id, ["completed", "failed"])).status).toBe(
        "completed",
      );

      const api = createCaller(createApiContext(engine));
      expect((await api.jobs.list()).map((job) => job.id)).not.toContain("broken.throws");
      const listed = await api.jobs.list({ includeUnavailable: true });
      expect(listed.find((job) => job.id === "broken.throws")).toMatchObject({
        category: "Unavailable",
        canStart: false,
        unavailable: {
          file: path.join(dir.path, "broken.throws.ts"),
          message: "Error: DOCKET_TEST_NO_SUCH_SETTING is not set",
        },
      });
      expect(listed.find((job) => job.id === "good.two")?.unavailable).toBeNull();

      for (const jobId of ["broken.throws", "bad.id", "Bad_Id"]) {
        const refused = await api.runs.start({ jobId, params: {} }).then(
          () => null,
          (error: unknown) => error,
        );
        expect(refused, jobId).toBeInstanceOf(TRPCError);
        expect((refused as TRPCError).code).toBe("CONFLICT");
        expect((refused as TRPCError).message).toMatch(
          new RegExp(
            `^Job "${jobId}" is unavailable: its file did not load \\(.*(broken\\.throws|bad\\.id)\\.ts`,
          ),
        );
      }
    } finally {
      await engine.stop();
    }
  });
});
