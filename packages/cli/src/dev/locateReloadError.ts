import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { type JobProblem, lineAndColumn, relativeFile } from "./jobProblem.ts";

/** Which property of `defineJob({ … })` a refusal is about, by the words of the engine's message. */
const faultyProperties: readonly { readonly words: RegExp; readonly property: string }[] = [
  { words: /names the queue/, property: "queue" },
  { words: /job id/i, property: "id" },
];

/**
 * Places the error of a refused reload (`engine.reloadJobs`) in the job file it
 * names: the file mentioned last in its message (the second of two duplicates),
 * at the line where the failing module threw, else at the property the message
 * is about, else at `defineJob(`. Null when it names none of `files`.
 */
export async function locateReloadError(
  error: unknown,
  files: readonly string[],
): Promise<JobProblem | null> {
  const message = error instanceof Error ? error.message : String(error);
  const file = files
    .filter((candidate) => message.includes(candidate))
    .sort((a, b) => message.lastIndexOf(a) - message.lastIndexOf(b))
    .at(-1);
  if (file === undefined) return null;
  const text = await readFile(file, "utf8").catch(() => "");
  const place = thrownAt(error, file) ?? propertyAt(text, message) ?? { line: 1, column: 1 };
  const readable = files.reduce(
    (shown, each) => shown.replaceAll(each, relativeFile(each)),
    message,
  );
  return { file, ...place, severity: "error", code: null, message: readable };
}

/** Where the module threw while being imported, from its stack (`file:///…/x.ts?v=3:12:5`). */
function thrownAt(error: unknown, file: string): { line: number; column: number } | null {
  const stack = (error as { cause?: { stack?: unknown } }).cause?.stack;
  if (typeof stack !== "string") return null;
  const url = pathToFileURL(file).href.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const frame = new RegExp(`${url}(?:\\?[^:\\s]*)?:(\\d+):(\\d+)`).exec(stack);
  return frame ? { line: Number(frame[1]), column: Number(frame[2]) } : null;
}

function propertyAt(text: string, message: string): { line: number; column: number } | null {
  const property = faultyProperties.find((entry) => entry.words.test(message))?.property;
  const found =
    (property === undefined ? null : new RegExp(`^\\s*(${property})\\s*:`, "m").exec(text)) ??
    /defineJob\s*\(/.exec(text);
  if (!found) return null;
  const offset = found.index + (found[0].length - found[0].trimStart().length);
  return lineAndColumn(text, offset);
}
