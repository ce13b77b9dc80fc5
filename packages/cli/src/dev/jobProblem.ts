import path from "node:path";

/** A type error, or a job definition the engine refused, at a place in a job file. */
export interface JobProblem {
  readonly file: string;
  /** 1-based, as editors count. */
  readonly line: number;
  readonly column: number;
  readonly severity: "error" | "warning";
  /** `TS2322` for a type error; null for a refused definition. */
  readonly code: string | null;
  readonly message: string;
}

/** `jobs/x.ts:12:5 error TS2322: …`, the file relative to the working directory (editors link it). */
export function formatProblem(problem: JobProblem): string {
  const code = problem.code ? ` ${problem.code}` : "";
  return `${relativeFile(problem.file)}:${problem.line}:${problem.column} ${problem.severity}${code}: ${problem.message}`;
}

export function relativeFile(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") ? file : relative;
}

/** The 1-based line and column of the UTF-16 `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}
