import { Readable } from "node:stream";
import type { CsvColumns } from "@docket/sdk";
import { CsvError, parse } from "csv-parse";

/** A CSV that cannot be read whole: nothing of it may be imported. */
export class CsvFileError extends Error {
  /** The line the problem is on (1 is the header). */
  readonly line: number;
  constructor(line: number, message: string) {
    super(`Line ${line}: ${message}`);
    this.name = "CsvFileError";
    this.line = line;
  }
}

/** One data row of a CSV, or why that row cannot be used. */
export type CsvRow =
  | { readonly line: number; readonly row: Readonly<Record<string, string>> }
  | { readonly line: number; readonly error: string };

/**
 * The options every CSV Docket reads is parsed with (one parser, `csv-parse`):
 * RFC 4180 quoting, a UTF-8 BOM dropped, blank lines skipped. `relax_quotes`
 * keeps a quote inside an unquoted cell as text (`The 12" single`), as
 * spreadsheets do; a cell that OPENS with a quote must close it.
 */
export const csvParseOptions = {
  bom: true,
  skip_empty_lines: true,
  skip_records_with_empty_values: true,
  relax_column_count: true,
  relax_quotes: true,
} as const;

/**
 * Reads a CSV with a header row, streaming. Yields each data row keyed by the
 * declared column names, or a row-level error (a row with more or fewer cells
 * than the header); throws {@link CsvFileError} for what makes the whole file
 * unreadable: an unclosed quote, a missing, unknown or repeated column, a
 * header without rows, an empty file.
 */
export async function* readCsvRows(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  columns: CsvColumns,
): AsyncGenerator<CsvRow> {
  // Where the last whole record ended, heard as csv-parse reads (before the stream's
  // buffer, which an error discards): an unclosed quote opens on the record after it.
  let lastLine = 0;
  const input = Readable.from(source);
  const parser = input.pipe(
    parse({
      ...csvParseOptions,
      info: true,
      raw: true,
      on_record: (record, context) => {
        lastLine = context.lines;
        return record;
      },
    }),
  );
  // `pipe` does not pass on the source's errors (an upload that does not exist): without
  // this the parser would wait for ever and the error would go uncaught.
  input.once("error", (error) => parser.destroy(error));
  let header: HeaderMap | null = null;
  let rows = 0;
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<ParsedRecord>) {
      const line = startLine(info.lines, raw);
      if (!header) {
        header = mapHeader(record, columns, line);
        continue;
      }
      rows++;
      if (record.length !== header.names.length) {
        yield {
          line,
          error: `Line ${line} has ${record.length} ${plural(record.length, "cell")}; the header has ${header.names.length} ${plural(header.names.length, "column")}`,
        };
        continue;
      }
      const row: Record<string, string> = Object.fromEntries(
        header.absent.map((name) => [name, ""]),
      );
      header.names.forEach((name, index) => {
        row[name] = record[index]!;
      });
      yield { line, row };
    }
  } catch (error) {
    if (error instanceof CsvError) throw toFileError(error, lastLine);
    throw error;
  } finally {
    parser.destroy();
    input.destroy();
  }
  if (!header)
    throw new CsvFileError(1, "The CSV is empty: it needs a header row and at least one row.");
  if (rows === 0) {
    throw new CsvFileError(
      lastLine + 1,
      "The CSV has a header but no rows. (Pasted text that lost its line breaks looks like this.)",
    );
  }
}

interface ParsedRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
  readonly raw: string;
}

interface HeaderMap {
  /** The declared name of each column of the file, in the file's order. */
  readonly names: readonly string[];
  /** Declared optional columns the file does not have. */
  readonly absent: readonly string[];
}

function mapHeader(cells: readonly string[], columns: CsvColumns, line: number): HeaderMap {
  const declared = [...columns.required, ...(columns.optional ?? [])];
  const byKey = new Map(declared.map((name) => [name.trim().toLowerCase(), name]));
  const names: string[] = [];
  for (const cell of cells) {
    const name = byKey.get(cell.trim().toLowerCase());
    if (!name) {
      // "author One" where "author" was meant: rows run on into the header.
      const runOn = byKey.has(cell.trim().split(/\s+/)[0]?.toLowerCase() ?? "");
      throw new CsvFileError(
        line,
        `column "${cell.trim()}" is not one this import reads. Columns: ${declared.join(", ")}.${runOn ? " (Pasted text that lost its line breaks looks like this: paste it again, or choose the file.)" : ""}`,
      );
    }
    if (names.includes(name)) throw new CsvFileError(line, `column "${name}" appears twice.`);
    names.push(name);
  }
  const missing = columns.required.filter((name) => !names.includes(name));
  if (missing.length > 0) {
    throw new CsvFileError(
      line,
      `the header has no ${missing.map((name) => `"${name}"`).join(", ")} ${plural(missing.length, "column")} (required). It reads: ${cells.join(", ")}.`,
    );
  }
  return { names, absent: declared.filter((name) => !names.includes(name)) };
}

/** The line a record starts on: the line it ends on, less the line breaks inside its quoted cells. */
function startLine(endLine: number, raw: string): number {
  const inside = raw.replace(/\r?\n$/, "").match(/\n/g)?.length ?? 0;
  return endLine - inside;
}

function toFileError(error: CsvError, lastRecordEndLine: number): CsvFileError {
  if (error.code === "CSV_QUOTE_NOT_CLOSED") {
    // csv-parse names the line where the file ended; the quote opened on the row after the last good one.
    return new CsvFileError(
      lastRecordEndLine + 1,
      'a cell opens with a quote (") that is never closed, so the rest of the file would be read as one cell. Close the quote, or double a quote that is part of the text ("").',
    );
  }
  // csv-parse's errors carry the line they were raised on.
  const line = typeof error.lines === "number" ? error.lines : lastRecordEndLine + 1;
  return new CsvFileError(line, error.message.replace(/^[^:]*: /, ""));
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
