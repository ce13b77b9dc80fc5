import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AppRouter } from "@docket/api";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { Docket, docket, output, repoRoot, startWorker } from "./support/docketCli.ts";
import { freePort } from "./support/freePort.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestDatabase } from "./support/testDatabase.ts";

/**
 * A job whose one step answers `answer`. Job files import @docket/sdk, so the
 * temporary jobs directory lives in the repository (test-artifacts/, ignored).
 */
function answerJob(job: {
  id: string;
  title: string;
  answer: string;
  queue?: string;
  /** A line of its own before `export default`. */
  extra?: string;
}): string {
  return [
    'import { defineJob, step } from "@docket/sdk";',
    'import { assign, setup } from "xstate";',
    'import { z } from "zod";',
    "",
    "const Params = z.object({});",
    `const answer = step(async () => ${JSON.stringify(job.answer)});`,
    job.extra ?? "",
    "export default defineJob({",
    `  id: ${JSON.stringify(job.id)},`,
    `  title: ${JSON.stringify(job.title)},`,
    '  category: "Dev",',
    '  description: "Answers.",',
    ...(job.queue ? [`  queue: ${JSON.stringify(job.queue)},`] : []),
    "  params: Params,",
    "  machine: setup({",
    "    types: { input: {} as z.infer<typeof Params>, context: {} as { answer: string | null } },",
    "    actors: { answer },",
    "  }).createMachine({",
    '    id: "answer",',
    "    context: { answer: null },",
    '    initial: "answering",',
    "    states: {",
    "      answering: {",
    '        invoke: { id: "answer", src: "answer", onDone: { target: "done", actions: assign({ answer: ({ event }) => event.output }) } },',
    "      },",
    '      done: { type: "final" },',
    "    },",
    "  }),",
    "});",
    "",
  ].join("\n");
}

/** The 1-based line of `text` that starts with `start` (after indentation). */
function lineOf(text: string, start: string): number {
  return text.split("\n").findIndex((line) => line.trimStart().startsWith(start)) + 1;
}

/** A new directory in test-artifacts/, removed on dispose. */
async function temporaryDir(prefix: string) {
  const artifacts = path.join(repoRoot, "test-artifacts");
  await mkdir(artifacts, { recursive: true });
  const dir = await mkdtemp(path.join(artifacts, prefix));
  return { path: dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

describe("docket dev", () => {
  it("reloads an edited job file without a restart, so a run started once it is listed uses it; a type error or a refused definition is printed at its file and line while the previous version keeps serving", async () => {
    await using database = await createTestDatabase();
    await using temporary = await temporaryDir("dev-jobs-");
    const jobsDir = temporary.path;
    const file = path.join(jobsDir, "dev.answer.ts");
    const shown = path.relative(repoRoot, file); // the CLI runs in the repository
    await writeFile(file, answerJob({ id: "dev.answer", title: "Answer v1", answer: "v1" }));
    const port = await freePort();
    const env = {
      ...process.env,
      DATABASE_URL: database.url,
      DOCKET_JOBS_DIR: jobsDir,
      PORT: String(port),
    };
    await using dev = new Docket(["dev", "--no-web", "--no-seed"], env);
    await dev.waitFor(/^Docket is running at/m);
    expect(dev.stdout).toMatch(/^Watching \S+ for changes: \d+ job types, type-checked\.$/m);
    /** Waits for `pattern` in what dev prints from now on. */
    const printed = (pattern: RegExp) => {
      const from = dev.stdout.length;
      const fromErr = dev.stderr.length;
      return pollUntil(`docket dev to print ${pattern}`, () => {
        return pattern.exec(dev.stdout.slice(from)) ?? undefined;
      }).catch((error: unknown) => {
        // What it printed instead says where a reload stopped.
        throw new Error(
          `${(error as Error).message}\n--- docket dev's stdout since:\n${dev.stdout.slice(from)}\n--- stderr since:\n${dev.stderr.slice(fromErr)}`,
        );
      });
    };

    const token = await docket(env, "tokens", "create", "admin", "--name", "dev-test", "--json");
    expect(token.code, output(token)).toBe(0);
    const api = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `http://127.0.0.1:${port}/api/trpc`,
          headers: { authorization: `Bearer ${JSON.parse(token.stdout).secret}` },
        }),
      ],
    });
    const titleOf = async (jobId: string) =>
      (await api.jobs.list.query()).find((job) => job.id === jobId)?.title;
    /** Starts a run of dev.answer through the API and returns its step's answer. */
    const answerOfNewRun = async () => {
      const run = await api.runs.start.mutate({ jobId: "dev.answer", params: {} });
      const ended = await pollUntil("the run to end", async () => {
        const got = await api.runs.get.query({ id: run.id });
        return ["completed", "failed"].includes(got.status) ? got : undefined;
      });
      expect(ended.status).toBe("completed");
      return (ended.context as { answer: string }).answer;
    };
    expect(await answerOfNewRun()).toBe("v1");

    // An edit: once the API lists the new version, a run started then runs it. How soon that is
    // is a figure, not an assertion (a loaded CI machine type-checks slowly): printed here.
    const reloaded = printed(/^Reloaded the jobs \(changed dev\.answer\): new runs use them\.$/m);
    const editedAt = Date.now();
    await writeFile(file, answerJob({ id: "dev.answer", title: "Answer v2", answer: "v2" }));
    await pollUntil("the edited title", async () =>
      (await titleOf("dev.answer")) === "Answer v2" ? true : undefined,
    );
    console.log(`[cli.dev] edit → new version listed in ${Date.now() - editedAt} ms`);
    expect(await answerOfNewRun()).toBe("v2");
    await reloaded;

    // A type error: printed at its line; nothing reloads, though the file would run.
    const broken = answerJob({
      id: "dev.answer",
      title: "Answer v3",
      answer: "v3",
      extra: 'const count: number = "three";',
    });
    const typeError = printed(
      /^(\S+):(\d+):(\d+) error TS2322: Type 'string' is not assignable to type 'number'\.$/m,
    );
    const refusedTypes = printed(/^Not reloaded: 1 error\. The jobs as they were keep serving/m);
    await writeFile(file, broken);
    const [, where, line, column] = await typeError;
    expect([where, Number(line), Number(column)]).toEqual([
      shown,
      lineOf(broken, "const count"),
      7,
    ]);
    await refusedTypes;
    expect(await titleOf("dev.answer")).toBe("Answer v2");
    expect(await answerOfNewRun()).toBe("v2");

    // A fix reloads; then a job whose id does not match its file is refused at its id's line.
    const fixed = printed(/^Reloaded the jobs \(changed dev\.answer\)/m);
    await writeFile(file, answerJob({ id: "dev.answer", title: "Answer v4", answer: "v4" }));
    await fixed;
    const misnamedFile = path.join(jobsDir, "dev.misnamed.ts");
    const misnamed = answerJob({ id: "dev.other", title: "Other", answer: "other" });
    const refusedDefinition = printed(
      /^(\S+):(\d+):(\d+) error: Job id "dev\.other" does not match its file .*\nNot reloaded: 1 error\./m,
    );
    await writeFile(misnamedFile, misnamed);
    const [, misnamedAt, idLine, idColumn] = await refusedDefinition;
    expect([misnamedAt, Number(idLine), Number(idColumn)]).toEqual([
      path.relative(repoRoot, misnamedFile),
      lineOf(misnamed, "id:"),
      3,
    ]);
    expect(await answerOfNewRun()).toBe("v4");
    expect(await titleOf("dev.other")).toBeUndefined();

    // Removing it reloads; a job on a task queue the worker did not start with is served with a warning.
    const removed = printed(/^Reloaded the jobs \(no job type changed\)/m);
    await unlink(misnamedFile);
    await removed;
    const queued = printed(
      /^Reloaded the jobs \(added dev\.queued\).*\nWarning: dev\.queued runs on the task queue "dev-imports", which this worker did not start with: its runs wait until you restart `docket dev`/m,
    );
    await writeFile(
      path.join(jobsDir, "dev.queued.ts"),
      answerJob({ id: "dev.queued", title: "Queued", answer: "q", queue: "dev-imports" }),
    );
    await queued;
    expect(await titleOf("dev.queued")).toBe("Queued");

    dev.kill("SIGINT");
    expect((await dev.result()).code, output(await dev.result())).toBe(0);
  });
});

describe("docket jobs new", () => {
  it("writes a job that is listed and runs to completed, and a test for it; a second call and an invalid id write nothing", async () => {
    await using database = await createTestDatabase();
    await using root = await temporaryDir("jobs-new-");
    const jobsDir = path.join(root.path, "jobs");
    const testDir = path.join(root.path, "test");
    const env = { ...process.env, DATABASE_URL: database.url, DOCKET_JOBS_DIR: jobsDir };
    const created = await docket(env, "jobs", "new", "shelf.mark-read", "--test-dir", testDir);
    expect(created.code, output(created)).toBe(0);
    const jobFile = path.join(jobsDir, "shelf.mark-read.ts");
    const testFile = path.join(testDir, "shelf.mark-read.test.ts");
    expect(created.stdout).toContain(
      `Wrote ${path.relative(repoRoot, jobFile)} (job shelf.mark-read) and ${path.relative(repoRoot, testFile)} (its test).`,
    );
    expect(created.stdout).toContain(`npx vitest run ${path.relative(repoRoot, testFile)}`);
    const test = await readFile(testFile, "utf8");
    expect(test).toContain('import { createJobTestEnvironment } from "@docket/sdk/testing";');
    expect(test).toContain('import job from "../jobs/shelf.mark-read.ts";');
    expect(test).toContain('env.run("shelf.mark-read", { params: {} })');

    const listed = await docket(env, "jobs", "--json");
    expect(listed.code, output(listed)).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual(
      expect.objectContaining({ id: "shelf.mark-read", title: "Mark read", category: "Shelf" }),
    );
    await using _worker = await startWorker(env);
    const ran = await docket(env, "run", "shelf.mark-read", "--wait");
    expect(ran.code, output(ran)).toBe(0);

    const job = await readFile(jobFile, "utf8");
    const again = await docket(env, "jobs", "new", "shelf.mark-read", "--test-dir", testDir);
    expect(again.code, output(again)).toBe(2);
    expect(again.stderr).toContain(
      `${path.relative(repoRoot, jobFile)} already exists: nothing was written.`,
    );
    expect(await readFile(jobFile, "utf8")).toBe(job);
    expect(await readFile(testFile, "utf8")).toBe(test);

    const overview = await docket(env, "--help");
    expect(overview.stdout).toMatch(/^ {2}dev +Run Docket as `docket start` does, reloading/m);
    expect(overview.stdout).toMatch(/^ {2}jobs new +Write a new job file/m);

    const invalid = await docket(env, "jobs", "new", "Shelf_Read", "--test-dir", testDir);
    expect(invalid.code, output(invalid)).toBe(2);
    expect(invalid.stderr).toContain('"Shelf_Read" is not a valid job id');
    await expect(readFile(path.join(jobsDir, "Shelf_Read.ts"))).rejects.toThrow(/ENOENT/);
  });
});
