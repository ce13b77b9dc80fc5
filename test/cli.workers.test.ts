import { describe, expect, it } from "vitest";
import { docket, fixtureCliEnv, output, startWorker } from "./support/docketCli.ts";
import { createTestDatabase } from "./support/testDatabase.ts";

interface WorkerJson {
  id: string;
  host: string;
  pid: number;
  state: string;
  taskQueues: string[];
  slotsInUse: number;
  slotsTotal: number;
  lastSeenAt: string;
  stoppedAt: string | null;
}

describe("docket workers", () => {
  it("says how to start a worker, then lists a running and a stopped worker as a table and as JSON", async () => {
    await using database = await createTestDatabase();
    const env = fixtureCliEnv(database);
    const none = await docket(env, "workers");
    expect(none.code, output(none)).toBe(0);
    expect(none.stdout).toContain("No worker has started yet: run `docket worker`");

    await using worker = await startWorker(env); // docket worker --concurrency 2
    const workerId = /^worker (\S+) ready/m.exec(worker.stdout)?.[1];
    expect(workerId).toBeDefined();

    const table = await docket(env, "workers");
    expect(table.code, output(table)).toBe(0);
    const [header, row, ...rest] = table.stdout.trimEnd().split("\n");
    expect(header?.split(/\s{2,}/)).toEqual([
      "ID",
      "HOST",
      "PID",
      "QUEUES",
      "SLOTS",
      "STATE",
      "LAST SEEN",
    ]);
    expect(rest).toEqual([]);
    const cells = row?.split(/\s{2,}/) ?? [];
    expect(cells.slice(0, 1)).toEqual([workerId]);
    expect(cells.slice(3, 6)).toEqual(["default", "0/2", "alive"]);
    expect(cells[6]).toMatch(/^\d+ s ago$/);

    worker.kill("SIGTERM");
    expect((await worker.result()).code).toBe(0);
    const json = await docket(env, "workers", "--json");
    expect(json.code, output(json)).toBe(0);
    const workers = JSON.parse(json.stdout) as WorkerJson[];
    expect(workers).toHaveLength(1);
    expect(workers[0]).toMatchObject({
      id: workerId,
      state: "stopped",
      taskQueues: ["default"],
      slotsInUse: 0,
      slotsTotal: 2,
    });
    expect(String(workers[0]?.pid)).toBe(cells[2]);
    expect(workers[0]?.host).toBe(cells[1]);
    expect(Date.parse(workers[0]?.stoppedAt ?? "")).not.toBeNaN();
  });

  it("is listed in docket --help and has its own help, without touching a database", async () => {
    const env = { ...process.env, DATABASE_URL: "postgres://nobody:secret@127.0.0.1:1/none" };
    const overview = await docket(env, "--help");
    expect(overview.code, output(overview)).toBe(0);
    expect(overview.stdout).toMatch(/^ {2}workers +List the worker processes/m);
    const help = await docket(env, "workers", "--help");
    expect(help.code, output(help)).toBe(0);
    expect(help.stdout).toMatch(/^Usage: docket workers\b/);
    expect(help.stdout).toContain("--json");
    expect(help.stdout).toContain("lost");
    expect(help.stderr).toBe("");
  });
});
