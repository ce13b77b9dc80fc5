import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { csvParseOptions } from "@docket/engine/testing";
import { InvalidParamsError } from "@docket/sdk";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { startApiServer } from "./support/apiServer.ts";
import { docket, output, queryRows, startWorker, uuidLine } from "./support/docketCli.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

const jobsDir = fileURLToPath(new URL("../jobs/", import.meta.url));
const header = "title,author,year";
const ended = ["completed", "completed_with_errors", "failed", "aborted"];

/** A CSV that must import exactly as csv-parse reads it. */
const readable: Record<string, string> = {
  "doubled quotes": `${header}\n"The ""Best"" of Jazz",Smith,2001\nPlain,Jones,1999\n`,
  "quoted newlines": `${header}\n"Line one\nLine two",Ada,1999\n"Three\n\nlines",Bo,2000\nAfter,Cy,2001\n`,
  CRLF: `${header}\r\nOne,A,1990\r\nTwo,B,1991\r\n`,
  "a BOM": `\uFEFF${header}\nWith BOM,A,1990\n`,
  "empty lines": `${header}\n\nOne,A,1990\n\n\nTwo,B,1991\n\n`,
  "non-ASCII": `${header}\nMémoires d'outre-tombe,Chateaubriand,1849\n東京物語,小津,1953\nŁódź 🚂,Żuławski,2010\n`,
  "a quote inside an unquoted cell": `${header}\nThe 12" single,Band,1984\nNext,A,1985\n`,
  "a header in another case, with spaces": ` Title , AUTHOR ,year\nOne,A,1990\n`,
  "no final line break": `${header}\nLast,A,1990`,
};

/** A CSV that must be refused whole, naming this line. */
const unreadable: Record<string, { csv: string; line: number; says: RegExp }> = {
  "an unclosed quote": {
    csv: `${header}\nOne,A,1990\n"The 12 single,Band,1984\nNext,B,1985\nLast,C,1986\n`,
    line: 3,
    says: /never closed/,
  },
  "a header with no rows": { csv: `${header}\n`, line: 2, says: /no rows/ },
  "pasted text that lost its line breaks": {
    csv: `${header} One,A,1990 Two,B,1991`,
    line: 1,
    says: /not one this import reads.*lost its line breaks/,
  },
  "a missing required column": { csv: "author,year\nA,1990\n", line: 1, says: /no "title" column/ },
  "an unknown column": { csv: "title,publisher\nOne,P\n", line: 1, says: /"publisher"/ },
  "a repeated column": { csv: "title,title\nOne,Two\n", line: 1, says: /appears twice/ },
};

/** How the importer reads a CSV, according to csv-parse itself: rows of the header's width. */
function csvParseReading(text: string) {
  const [head, ...rows] = parse(text, csvParseOptions) as string[][];
  const columns = head!.map((name) => name.trim().toLowerCase());
  return rows
    .filter((row) => row.length === columns.length)
    .map((row) => {
      const record = Object.fromEntries(columns.map((name, i) => [name, row[i]!]));
      return { title: record.title!.trim(), author: record.author?.trim() || null };
    });
}

describe("CSV import", () => {
  it("imports awkward CSV exactly as csv-parse reads it, and refuses what cannot be read whole", async () => {
    await using t = await createTestEngine({ jobsDir });
    await using _worker = await t.engine.startWorker();
    for (const [name, csv] of Object.entries(readable)) {
      const before = await queryRows<{ n: string }>(
        t.database,
        "select max(id)::text as n from bib_records",
      );
      const run = await t.engine.runs.start({
        jobId: "records.import-csv",
        params: { csv },
        createdBy: "ana",
      });
      const done = await waitForStatus(t.engine, run.id, ended);
      expect(done.status, name).toBe("completed");
      const imported = await queryRows<{ title: string; author: string | null }>(
        t.database,
        "select title, author from bib_records where id > coalesce($1::bigint, 0) order by id",
        [before[0]?.n ?? null],
      );
      expect(imported, name).toEqual(csvParseReading(csv));
      expect(imported.length, name).toBeGreaterThan(0);
    }

    const runsBefore = await queryRows<{ n: number }>(
      t.database,
      "select count(*)::int as n from runs",
    );
    const recordsBefore = await queryRows<{ n: number }>(
      t.database,
      "select count(*)::int as n from bib_records",
    );
    for (const [name, { csv, line, says }] of Object.entries(unreadable)) {
      const refusal = await t.engine.runs
        .start({ jobId: "records.import-csv", params: { csv }, createdBy: "ana" })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(refusal, name).toBeInstanceOf(InvalidParamsError);
      const issues = (refusal as InvalidParamsError).issues;
      expect(
        issues.map((issue) => issue.path),
        name,
      ).toEqual(["params.csv"]);
      expect(issues[0]!.message, name).toMatch(new RegExp(`^Line ${line}: `));
      expect(issues[0]!.message, name).toMatch(says);
    }
    // csv-parse agrees the unclosed quote cannot be read.
    expect(() => parse(unreadable["an unclosed quote"]!.csv, csvParseOptions)).toThrow(
      /Quote Not Closed/,
    );
    // Refused means nothing stored: no run, no record.
    expect(await queryRows(t.database, "select count(*)::int as n from runs")).toEqual(runsBefore);
    expect(await queryRows(t.database, "select count(*)::int as n from bib_records")).toEqual(
      recordsBefore,
    );
  });

  it("fails a ragged row in the report with its line and goes on to completed_with_errors", async () => {
    await using t = await createTestEngine({ jobsDir });
    await using _worker = await t.engine.startWorker();
    const csv = `${header}\nGood one,A,1990\nToo many,B,1991,extra\n"Two\nlines",C,1992\nToo few\nGood two,D,1993\n`;
    const dry = await t.engine.runs.dryRun({ jobId: "records.import-csv", params: { csv } });
    expect(dry.csv).toEqual([{ param: "csv", fileName: null, rows: 5, badRows: 2 }]);
    const run = await t.engine.runs.start({
      jobId: "records.import-csv",
      params: { csv },
      createdBy: "ana",
    });
    const done = await waitForStatus(t.engine, run.id, ended);
    expect(done.status).toBe("completed_with_errors");
    expect(done.report).toMatchObject({ total: 5, processed: 5, changed: 3, failed: 2 });
    expect(done.report?.failures.map((failure) => failure.reason).sort()).toEqual([
      "Line 3 has 4 cells; the header has 3 columns",
      "Line 6 has 1 cell; the header has 3 columns",
    ]);
    expect(
      (
        await queryRows<{ title: string }>(t.database, "select title from bib_records order by id")
      ).map((row) => row.title),
    ).toEqual(["Good one", "Two\nlines", "Good two"]);
  });

  it("takes uploads over HTTP: streamed, refused for viewers and past the limit, checked when the run starts", async () => {
    await using t = await createTestEngine({ jobsDir });
    await using staff = await startApiServer(t.engine, { role: "staff" });
    await using viewer = await startApiServer(t.engine, { role: "viewer" });
    const upload = (server: typeof staff, body: string, name = "books.csv") =>
      fetch(`${server.origin}/api/uploads?name=${encodeURIComponent(name)}`, {
        method: "POST",
        headers: { ...server.authHeaders, "content-type": "text/csv" },
        body,
      });

    const content = `${header}\nOne,A,1990\n`;
    const stored = await upload(staff, content);
    expect(stored.status).toBe(201);
    const file = (await stored.json()) as { id: string; name: string; bytes: number };
    expect(file).toMatchObject({ name: "books.csv", bytes: Buffer.byteLength(content) });

    expect((await upload(viewer, "title\nx\n")).status).toBe(403);
    const anonymous = await fetch(`${staff.origin}/api/uploads?name=a.csv`, {
      method: "POST",
      body: "x",
    });
    expect(anonymous.status).toBe(401);

    // A server whose limit is 1,000 bytes (DOCKET_UPLOAD_MAX_BYTES=1000).
    await using small = await startApiServer(t.engine, {
      role: "staff",
      api: { uploadMaxBytes: 1000 },
    });
    const tooLarge = await upload(small, "x".repeat(5_000));
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: string }).error).toMatch(
      /upload limit of 1000 bytes/,
    );
    expect(await queryRows(t.database, "select name from uploads order by created_at")).toEqual([
      { name: "books.csv" },
    ]);

    const broken = (await (
      await upload(staff, `${header}\nOne,A,1990\n"Open,B,1991\n`, "broken.csv")
    ).json()) as {
      id: string;
    };
    const refusal = await t.engine.runs
      .start({
        jobId: "records.import-csv",
        params: { file: broken.id },
        createdBy: staff.userName,
      })
      .then(
        () => null,
        (error: unknown) => error as InvalidParamsError,
      );
    expect(refusal?.issues).toEqual([
      { path: "params.file", message: expect.stringMatching(/^Line 3: /) },
    ]);
    const neither = await t.engine.runs
      .start({ jobId: "records.import-csv", params: {}, createdBy: staff.userName })
      .then(
        () => null,
        (error: unknown) => error as InvalidParamsError,
      );
    expect(neither?.issues).toEqual([
      { path: "params.file", message: "Choose a CSV file or paste CSV text (one of the two)" },
    ]);
    expect(await queryRows(t.database, "select count(*)::int as n from runs")).toEqual([{ n: 0 }]);
  });

  it("imports a 100,000-row file given to `docket run --file`", async () => {
    await using t = await createTestEngine({ jobsDir });
    const env = { ...process.env, DATABASE_URL: t.database.url, DOCKET_JOBS_DIR: jobsDir };
    const dir = await mkdtemp(path.join(tmpdir(), "docket-import-"));
    try {
      const file = path.join(dir, "new-books.csv");
      const lines = [header];
      for (let i = 1; i <= 100_000; i++)
        lines.push(`"Book ${i}, volume ${i % 7}",Author ${i % 97},${1900 + (i % 120)}`);
      await writeFile(file, `${lines.join("\n")}\n`);
      {
        await using _worker = await startWorker(env);
        const result = await docket(env, "run", "records.import-csv", "--file", file, "--wait");
        expect(result.code, output(result)).toBe(0);
        expect(result.stderr).toMatch(/Upload(ing|ed) new-books\.csv/);
        const runId = uuidLine.exec(result.stdout)?.[1];
        expect(runId, output(result)).toBeDefined();
        const [run] = await queryRows<{ status: string; population: number }>(
          t.database,
          "select status, population from runs where id = $1",
          [runId],
        );
        expect(run).toEqual({ status: "completed", population: 100_000 });
        const [counts] = await queryRows<{ n: number; first: string; last: string }>(
          t.database,
          `select count(*)::int as n, (array_agg(title order by id))[1] as first,
                  (array_agg(title order by id desc))[1] as last from bib_records`,
        );
        expect(counts).toEqual({
          n: 100_000,
          first: "Book 1, volume 1",
          last: "Book 100000, volume 5",
        });

        const missing = await docket(
          env,
          "run",
          "records.import-csv",
          "--file",
          path.join(dir, "nope.csv"),
        );
        expect(missing.code).toBe(2);
        expect(missing.stderr).toMatch(/cannot read .*nope\.csv/);
        // A rejected row is named by its line in the report, not by an internal id.
        const withBadRow = path.join(dir, "with-bad-row.csv");
        await writeFile(withBadRow, `${header}\nGood,A,1990\nBad year,B,19x9\n`);
        const partly = await docket(
          env,
          "run",
          "records.import-csv",
          "--file",
          withBadRow,
          "--wait",
        );
        expect(partly.code, output(partly)).toBe(1);
        expect(partly.stderr).toMatch(/line 3 {2}failed {2}Line 3: year "19x9" is not a year/);
        const noFileJob = await docket(env, "run", "examples.greet", "--file", file);
        expect(noFileJob.code).toBe(2);
        expect(noFileJob.stderr).toMatch(/takes no file/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
