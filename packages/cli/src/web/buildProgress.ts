/** ANSI colour and cursor codes, which `next build` writes even into a pipe at times. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
const ansiCodes = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * The step `next build` is at, from the output it has written so far: its last
 * status line, e.g. "Running TypeScript ..." or "Generating static pages using
 * 1 worker (7/15)". Null before it has said anything. The route table at the end
 * and warnings are not steps.
 */
export function describeBuildStep(output: string): string | null {
  const lines = output
    .replace(ansiCodes, "")
    .split(/[\r\n]+/)
    .map((line) => line.replace(/^[✓⚠▲]\s*/u, "").trim());
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index] ?? "";
    if (/^(Creating|Compiled|Running|Finished|Collecting|Generating|Finalizing)\b/.test(line)) {
      return line.replace(/\s*\.\.\.$/, "…");
    }
  }
  return null;
}
