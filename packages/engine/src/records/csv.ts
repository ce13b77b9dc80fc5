import type { OutputRow } from "@docket/sdk";

/** One CSV line (RFC 4180 quoting), ending in CRLF. */
export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(columns: readonly string[], row: OutputRow): string {
  return csvLine(columns.map((column) => row[column]));
}
