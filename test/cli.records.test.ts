import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type CliResult,
  Docket,
  docket,
  output,
  queryRows,
  startWorker,
  uuidLine,
} from "./support/docketCli.ts";
import { freePort } from "./support/freePort.ts";
import { createTestDatabase, type TestDatabase } from "./support/testDatabase.ts";

const jobsDir = fileURLToPath(new URL("../jobs/", import.meta.url));
/** The sets `docket seed` adds, by name (as `sets list` orders them). */
const exampleSets = [
  "All items",
  "Items in the Music Library",
  "Loans older than 2 years (returned)",
  "Records published before 1950",
  "Science Library reserve items",
];

/** Environment of a CLI child: the test database and the repository's jobs. */
function cliEnv(database: TestDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: database.url, DOCKET_JOBS_DIR: jobsDir, ...extra };
}

/** `docket seed --records N` (and any more args), which must succeed. */
async function seed(env: NodeJS.ProcessEnv, records: number, ...args: string[]): Promise<void> {
  const result = await docket(env, "seed", "--records", String(records), ...args);
  expect(result.code, output(result)).toBe(0);
}

async function countRows(database: TestDatabase, table: string, where = "true"): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database,
    `select count(*)::int as n from ${table} where ${where}`,
  );
  return row?.n ?? -1;
}

interface SetJson {
  id: string;
  name: string;
  kind: string;
  target: string;
  memberCount: number;
}

async function listSets(env: NodeJS.ProcessEnv): Promise<SetJson[]> {
  const result = await docket(env, "sets", "list", "--json");
  expect(result.code, output(result)).toBe(0);
  return JSON.parse(result.stdout) as SetJson[];
}

/** The run id `docket run`/`restore` printed as the first line of stdout. */
function printedRunId(result: CliResult): string {
  const runId = result.stdout.match(uuidLine)?.[1];
  expect(runId, output(result)).toBeDefined();
  return runId!;
}

describe("docket CLI: the demo catalog, sets and runs on records", () => {
  it("seeds the catalog with example sets, and refuses to seed over it without --replace", async () => {
    await using database = await createTestDatabase();
    const env = cliEnv(database);

    const seeded = await docket(env, "seed", "--records", "2000", "--json");
    expect(seeded.code, output(seeded)).toBe(0);
    const report = JSON.parse(seeded.stdout) as {
      catalog: { records: number; items: number; loans: number; headings: number };
      sets: SetJson[];
    };
    expect(report.catalog).toMatchObject({ items: 2000, records: 1000 });
    expect(report.catalog.loans).toBeGreaterThan(0);
    expect(report.sets.map((set) => set.name).sort()).toEqual(exampleSets);
    // Without a terminal, the progress display prints a line per phase on stderr.
    expect(seeded.stderr).toMatch(/^seeding {2}items {2}\S+ [\d,]+\/[\d,]+ \d+%/m);
    expect(await countRows(database, "items")).toBe(2000);

    const sets = await listSets(env);
    expect(sets.map((set) => set.name)).toEqual(exampleSets);
    const byName = new Map(sets.map((set) => [set.name, set]));
    expect(byName.get("All items")).toMatchObject({
      kind: "logical",
      target: "items",
      memberCount: 2000,
    });
    expect(byName.get("Items in the Music Library")?.memberCount).toBe(
      await countRows(database, "items", "library = 'Music Library'"),
    );
    expect(byName.get("Records published before 1950")?.memberCount).toBe(
      await countRows(database, "bib_records", "year < 1950"),
    );
    expect(byName.get("Science Library reserve items")).toMatchObject({
      kind: "itemized",
      memberCount: await countRows(
        database,
        "items",
        "library = 'Science Library' and location = 'Reserve'",
      ),
    });
    for (const set of sets) expect(set.memberCount, set.name).toBeGreaterThan(0);

    // A different size, so a seed that went through anyway would show.
    const again = await docket(env, "seed", "--records", "500");
    expect(again.code, output(again)).toBe(1);
    expect(again.stdout).toBe("");
    expect(again.stderr).toMatch(
      /^Error: The catalog is not empty \(it holds 1,000 records, 2,000 items, .+`docket seed --replace`/m,
    );
    expect(again.stderr.match(/^Error: /gm), output(again)).toHaveLength(1);
    expect(await countRows(database, "items")).toBe(2000);
    expect(await countRows(database, "bib_records")).toBe(1000);
    expect((await listSets(env)).map((set) => set.id)).toEqual(sets.map((set) => set.id));

    const replaced = await docket(
      env,
      "seed",
      "--records",
      "500",
      "--replace",
      "--no-sets",
      "--json",
    );
    expect(replaced.code, output(replaced)).toBe(0);
    expect(JSON.parse(replaced.stdout)).toMatchObject({ catalog: { items: 500 }, sets: [] });
    expect(await countRows(database, "items")).toBe(500);
    expect(await listSets(env)).toEqual([]);
  });

  it("creates, shows and deletes sets, naming unknown barcodes and bad filter fields", async () => {
    await using database = await createTestDatabase();
    const env = cliEnv(database);
    await seed(env, 2000, "--no-sets");

    const twoFound = [
      "sets",
      "create-itemized",
      "--name",
      "Two found",
      "--target",
      "items",
      "--barcodes",
      "39000000000001,NOPE-1,39000000000002,NOPE-2",
    ];
    // All or nothing by default: the unknown barcodes are named and no set is saved.
    const refused = await docket(env, ...twoFound);
    expect(refused.code, output(refused)).toBe(2);
    expect(refused.stderr).toContain("2 barcodes match no item: NOPE-1, NOPE-2. Nothing was saved");
    expect(refused.stderr).toContain("--skip-unknown");
    expect(await listSets(env)).toEqual([]);

    const created = await docket(env, ...twoFound, "--skip-unknown");
    expect(created.code, output(created)).toBe(0);
    expect(created.stderr).toContain("2 barcodes match no item and were left out: NOPE-1, NOPE-2");
    expect(created.stdout).toMatch(/^Created set "Two found" \([0-9a-f-]{36}\): 2 items\.$/m);

    const dir = await mkdtemp(path.join(tmpdir(), "docket-cli-"));
    try {
      const file = path.join(dir, "barcodes.csv");
      await writeFile(file, 'barcode,note\n39000000000003,ok\n"39000000000004",ok\nZZZ,typo\n');
      const fromFile = await docket(
        env,
        "sets",
        "create-itemized",
        "--name",
        "From a file",
        "--barcodes-file",
        file,
        "--skip-unknown",
        "--json",
      );
      expect(fromFile.code, output(fromFile)).toBe(0);
      expect(JSON.parse(fromFile.stdout)).toMatchObject({
        set: { name: "From a file", memberCount: 2 },
        unknown: ["ZZZ"],
      });
      expect(fromFile.stderr).toContain("1 barcode matches no item and was left out: ZZZ");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const shown = await docket(env, "sets", "show", "Two found", "--json");
    expect(shown.code, output(shown)).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      set: { name: "Two found", kind: "itemized", memberCount: 2 },
      members: [
        { id: "1", label: expect.stringMatching(/^39000000000001 — /) },
        { id: "2", label: expect.stringMatching(/^39000000000002 — /) },
      ],
      nextCursor: null,
    });

    const invalid = await docket(
      env,
      "sets",
      "create-logical",
      "--name",
      "Typo",
      "--target",
      "items",
      "--filter-json",
      '{"all": [{"field": "libary", "op": "eq", "value": "Music Library"}, {"field": "status", "op": "eq", "value": "gone"}]}',
    );
    expect(invalid.code, output(invalid)).toBe(2);
    expect(invalid.stderr).toMatch(
      /^Error: Invalid filter for items: filter\.all\.0\.field: Unknown field "libary"/m,
    );
    expect(invalid.stderr).toContain("filter.all.1.value:");
    expect(invalid.stderr.match(/^Error: /gm), output(invalid)).toHaveLength(1);

    const logical = await docket(
      env,
      "sets",
      "create-logical",
      "--name",
      "Missing items",
      "--target",
      "items",
      "--filter-json",
      '{"all": [{"field": "status", "op": "eq", "value": "missing"}]}',
      "--json",
    );
    expect(logical.code, output(logical)).toBe(0);
    expect(JSON.parse(logical.stdout)).toMatchObject({
      kind: "logical",
      memberCount: await countRows(database, "items", "status = 'missing'"),
    });
    expect((await listSets(env)).map((set) => set.name)).toEqual([
      "From a file",
      "Missing items",
      "Two found",
    ]);

    const deleted = await docket(env, "sets", "delete", "Two found");
    expect(deleted.code, output(deleted)).toBe(0);
    expect(deleted.stdout).toMatch(/^Deleted set "Two found"/);
    expect((await listSets(env)).map((set) => set.name)).toEqual(["From a file", "Missing items"]);
    const unknown = await docket(env, "sets", "show", "Two found");
    expect(unknown.code, output(unknown)).toBe(1);
    expect(unknown.stderr).toContain(
      'Error: Unknown set "Two found". Sets: "From a file", "Missing items"',
    );
  });

  it("runs a job on a set named on the command line, prints its report, and restores it", async () => {
    await using database = await createTestDatabase();
    const env = cliEnv(database);
    await seed(env, 2000);
    const before = await queryRows<{ id: string; item_policy: string }>(
      database,
      "select id::text, item_policy from items where library = 'Music Library' order by items.id",
    );
    const unchanged = before.filter((item) => item.item_policy === "Short loan").length;
    const changed = before.length - unchanged;
    expect(changed).toBeGreaterThan(0);
    expect(unchanged).toBeGreaterThan(0);
    await using _worker = await startWorker(env);

    const ran = await docket(
      env,
      "run",
      "items.change-policy",
      "--set",
      "Items in the Music Library",
      "--param",
      "policy=Short loan",
      "--wait",
    );
    expect(ran.code, output(ran)).toBe(0);
    const runId = printedRunId(ran);
    expect(ran.stdout.trim()).toBe(runId);
    expect(ran.stderr).toContain(`Run ${runId} completed after`);
    expect(ran.stderr).toMatch(
      new RegExp(
        `^Processed ${before.length} of ${before.length} records in \\S+: ${changed} changed, ${unchanged} unchanged, 0 failed, 0 skipped\\.$`,
        "m",
      ),
    );
    expect(
      await countRows(
        database,
        "items",
        "library = 'Music Library' and item_policy <> 'Short loan'",
      ),
    ).toBe(0);

    const noFailures = await docket(env, "run-records", runId, "--outcome", "failed", "--json");
    expect(noFailures.code, output(noFailures)).toBe(0);
    expect(JSON.parse(noFailures.stdout)).toEqual({ records: [], nextCursor: null });
    const changedRecords = await docket(
      env,
      "run-records",
      runId,
      "--outcome",
      "changed",
      "--limit",
      "1000",
      "--json",
    );
    expect(
      JSON.parse(changedRecords.stdout).records.map((r: { memberId: string }) => r.memberId),
    ).toEqual(before.filter((item) => item.item_policy !== "Short loan").map((item) => item.id));

    const restored = await docket(env, "restore", runId, "--wait");
    expect(restored.code, output(restored)).toBe(0);
    const restoreId = printedRunId(restored);
    expect(restoreId).not.toBe(runId);
    expect(restored.stderr).toContain(`Run ${restoreId} completed after`);
    expect(restored.stderr).toMatch(
      new RegExp(`^Processed ${changed} of ${changed} records in \\S+: ${changed} changed,`, "m"),
    );
    const after = await queryRows<{ id: string; item_policy: string }>(
      database,
      "select id::text, item_policy from items where library = 'Music Library' order by items.id",
    );
    expect(after).toEqual(before);

    const twice = await docket(env, "restore", runId);
    expect(twice.code, output(twice)).toBe(1);
    expect(twice.stderr).toContain(
      `Error: This run was already restored by run ${restoreId.slice(0, 8)} on `,
    );
  });

  it("exits 1 when records fail, shows the first failures, and lists them with run-records", async () => {
    await using database = await createTestDatabase();
    const env = cliEnv(database);
    await seed(env, 2000, "--no-sets");
    await queryRows(database, "update items set status = 'withdrawn' where id in (5, 7)");
    await queryRows(database, "update items set item_policy = 'Regular loan' where id in (4, 6)");
    const created = await docket(
      env,
      "sets",
      "create-itemized",
      "--name",
      "Four",
      "--ids",
      "4,5,6,7",
      "--json",
    );
    expect(created.code, output(created)).toBe(0);
    const setId = JSON.parse(created.stdout).set.id as string;
    await using _worker = await startWorker(env);

    // By id this time.
    const ran = await docket(
      env,
      "run",
      "items.change-policy",
      "--set",
      setId,
      "--param",
      "policy=Non-circulating",
      "--wait",
    );
    expect(ran.code, output(ran)).toBe(1);
    const runId = printedRunId(ran);
    expect(ran.stderr).toContain(`Run ${runId} completed with errors after`);
    expect(ran.stderr).toMatch(
      /^Processed 4 of 4 records in \S+: 2 changed, 0 unchanged, 2 failed, 0 skipped\.$/m,
    );
    expect(ran.stderr).toMatch(
      /^ {2}5 {2}failed {2}Item 39000000000005 is withdrawn; its policy cannot change$/m,
    );
    expect(ran.stderr).toMatch(
      /^ {2}7 {2}failed {2}Item 39000000000007 is withdrawn; its policy cannot change$/m,
    );

    const failed = await docket(env, "run-records", runId, "--outcome", "failed", "--json");
    expect(failed.code, output(failed)).toBe(0);
    expect(JSON.parse(failed.stdout)).toEqual({
      records: [
        {
          memberId: "5",
          outcome: "failed",
          reason: "Item 39000000000005 is withdrawn; its policy cannot change",
        },
        {
          memberId: "7",
          outcome: "failed",
          reason: "Item 39000000000007 is withdrawn; its policy cannot change",
        },
      ],
      nextCursor: null,
    });
    const paged = await docket(env, "run-records", runId, "--limit", "3");
    expect(paged.code, output(paged)).toBe(0);
    expect(paged.stdout).toMatch(/^RECORD +OUTCOME +REASON$/m);
    expect(paged.stdout).toContain(`(more: docket run-records ${runId} --limit 3 --cursor 6)`);
    const badOutcome = await docket(env, "run-records", runId, "--outcome", "broken");
    expect(badOutcome.code, output(badOutcome)).toBe(2);
    expect(badOutcome.stderr).toContain(
      'Error: Unknown outcome "broken". Outcomes: changed, unchanged, failed, skipped, created.',
    );
  });

  it("exports records to CSV and writes the run's file to stdout or a path", async () => {
    await using database = await createTestDatabase();
    const env = cliEnv(database);
    await seed(env, 2000);
    const members = await countRows(database, "bib_records", "year < 1950");
    await using _worker = await startWorker(env);

    const ran = await docket(
      env,
      "run",
      "records.export-csv",
      "--set",
      "Records published before 1950",
      "--wait",
    );
    expect(ran.code, output(ran)).toBe(0);
    const runId = printedRunId(ran);
    expect(ran.stderr).toContain(
      `File: records.csv (\`docket run-file ${runId} records.csv\` prints it).`,
    );

    const printed = await docket(env, "run-file", runId, "records.csv");
    expect(printed.code, output(printed)).toBe(0);
    const lines = printed.stdout.trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,title,author,year,subjects");
    expect(lines).toHaveLength(1 + members);

    const dir = await mkdtemp(path.join(tmpdir(), "docket-cli-"));
    try {
      const file = path.join(dir, "export.csv");
      const written = await docket(
        env,
        "run-file",
        runId,
        "records.csv",
        "--output",
        file,
        "--json",
      );
      expect(written.code, output(written)).toBe(0);
      expect(JSON.parse(written.stdout)).toEqual({
        runId,
        name: "records.csv",
        path: file,
        bytes: Buffer.byteLength(printed.stdout),
      });
      expect(await readFile(file, "utf8")).toBe(printed.stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const missing = await docket(env, "run-file", runId, "nope.csv");
    expect(missing.code, output(missing)).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain(
      `Error: Run ${runId} has no file "nope.csv". Its files: records.csv.`,
    );
  });

  it("seeds an empty catalog on start, once, and not at all with --no-seed", async () => {
    await using database = await createTestDatabase();
    // A first seeding start makes the demo consortium: main and riverside get a catalog each.
    const env = cliEnv(database, { DOCKET_DEMO_RECORDS: "1000", DOCKET_INSTITUTION: "main" });
    const start = (port: number, ...args: string[]) =>
      new Docket(["start", "--no-web", "--port", String(port), ...args], env);
    const ready = /^Docket is running at /m;

    {
      const port = await freePort();
      await using server = start(port);
      await server.waitFor(ready);
      const health = await fetch(`http://127.0.0.1:${port}/api/trpc/health`);
      expect(health.status).toBe(200);
      await server.waitFor(
        /^Seeded the demo catalog of Riverside Public Library \(riverside\): 1,000 items, 5 sets, 3 inactive example schedules \(/m,
        "stderr",
      );
      expect(server.stderr).toMatch(
        /^Seeded the demo catalog of Northfield University Library \(main\): 1,000 items, 5 sets, 3 inactive example schedules \(/m,
      );
      server.kill("SIGTERM");
      expect((await server.result()).code, server.stderr).toBe(0);
    }
    expect(await countRows(database, "items", "institution = 'main'")).toBe(1000);
    expect(await countRows(database, "items", "institution = 'riverside'")).toBe(1000);
    expect((await listSets(env)).map((set) => set.name)).toEqual(exampleSets);

    // Stopping waits for a seed under way, so its absence in the output is final.
    {
      await using server = start(await freePort());
      await server.waitFor(ready);
      server.kill("SIGTERM");
      const result = await server.result();
      expect(result.code, output(result)).toBe(0);
      expect(result.stderr).not.toContain("Seeded");
    }
    expect(await countRows(database, "items")).toBe(2000);

    await queryRows(database, "truncate loans, items, bib_records, headings, set_members");
    await queryRows(database, "delete from schedules");
    await queryRows(database, "delete from sets");
    {
      await using server = start(await freePort(), "--no-seed");
      await server.waitFor(ready);
      server.kill("SIGTERM");
      const result = await server.result();
      expect(result.code, output(result)).toBe(0);
      expect(result.stderr).not.toContain("Seeded");
    }
    expect(await countRows(database, "items")).toBe(0);
  });

  it("shows help for the new commands and the sets group without touching a database", async () => {
    const env = { ...process.env, DATABASE_URL: "postgres://nobody:secret@127.0.0.1:1/none" };
    const names = [
      "seed",
      "restore",
      "run-records",
      "run-file",
      "sets list",
      "sets show",
      "sets create-itemized",
      "sets create-logical",
      "sets delete",
    ];
    const overview = await docket(env, "--help");
    for (const name of names) expect(overview.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    const helps = await Promise.all(names.map((name) => docket(env, ...name.split(" "), "--help")));
    helps.forEach((result, index) => {
      expect(result.code, output(result)).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: docket ${names[index]}\\b`));
      expect(result.stdout).toContain("--json");
      expect(result.stderr).toBe("");
    });
    expect(helps[names.indexOf("sets show")]?.stdout).toMatch(
      /^Usage: docket sets show <set> \[options\]$/m,
    );
    const run = await docket(env, "run", "--help");
    expect(run.stdout).toContain("--set <ID|NAME>");

    const group = await docket(env, "sets", "--help");
    expect(group.code, output(group)).toBe(0);
    for (const name of names.filter((n) => n.startsWith("sets "))) {
      expect(group.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    }
    const bare = await docket(env, "sets");
    expect(bare.code, output(bare)).toBe(2);
    expect(bare.stderr).toContain('Error: Missing a command after "sets": sets list, sets show,');
    const typo = await docket(env, "sets", "lst");
    expect(typo.code, output(typo)).toBe(2);
    expect(typo.stderr).toContain('Error: Unknown command "sets lst".');
  });
});
