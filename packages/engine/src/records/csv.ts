import { type Options, stringify } from "csv-stringify/sync";

/** What one CSV cell may hold; `null` and `undefined` are written as an empty cell. */
export type CsvCell = string | number | boolean | Date | null | undefined;

const writerOptions: Options = {
  record_delimiter: "\r\n",
  // With a record delimiter of its own csv-stringify quotes a cell holding a lone \n or \r
  // only when asked; unquoted, a parser would read it as the end of the line.
  quote_record_delimiter: true,
  // Text beginning with = + - @, a tab or a carriage return (or the full-width = + - @) is
  // written with a leading ' so a spreadsheet shows it as text instead of running it as a
  // formula (CSV injection). Number-typed cells are written as they are: -5 is a number.
  escape_formulas: true,
  cast: {
    boolean: (value) => String(value),
    date: (value) => value.toISOString(),
  },
};

/**
 * CSV lines (RFC 4180 quoting, each ending in CRLF): the one writer for every CSV
 * Docket produces, run output files and the run history export alike.
 *
 * @example
 * csvLines([["=1+1", -5, "-5", null]]); // "'=1+1,-5,'-5,\r\n"
 */
export function csvLines(rows: readonly (readonly CsvCell[])[]): string {
  if (rows.length === 0) return "";
  return stringify(rows as CsvCell[][], writerOptions);
}

/** One CSV line, ending in CRLF; see {@link csvLines}. */
export function csvLine(cells: readonly CsvCell[]): string {
  return csvLines([cells]);
}
