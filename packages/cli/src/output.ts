/**
 * Writing results. Results go to stdout (a table, a line, or JSON with `--json`);
 * notes about what the command is doing (database used, progress) go to stderr,
 * so `id=$(docket run …)` and `docket runs --json | jq` stay clean.
 */

export function printLine(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** A note for the person at the terminal, never part of the result. */
export function printNote(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** `2026-11-21 14:03:07` in local time, from the ISO-8601 instant the API sends. */
export function formatTimestamp(value: string | null | undefined): string {
  if (value === null || value === undefined) return "-";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** An XState state value as one line: `applying`, `processing.chunk`, `a.b, c.d` for parallel states. */
export function formatStateValue(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "string") return value;
  if (typeof value !== "object") return String(value);
  const paths: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const rest = formatStateValue(child);
    paths.push(rest === "-" || rest === "" ? key : `${key}.${rest}`);
  }
  return paths.join(", ");
}

export function formatProgress(
  progress: { done: number; total?: number } | null | undefined,
): string {
  if (!progress) return "-";
  if (progress.total === undefined) return String(progress.done);
  const percent = progress.total > 0 ? Math.floor((100 * progress.done) / progress.total) : 100;
  return `${progress.done}/${progress.total} (${percent}%)`;
}

/** `850ms`, `12s`, `3m 04s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

/** One JSON value per line, for streams of events (`docket worker --json`). */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** `20,000`: counts of records are read at a glance. */
export function formatCount(value: number): string {
  return value.toLocaleString("en");
}
