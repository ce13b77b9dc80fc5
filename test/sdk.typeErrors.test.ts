import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
/** Job files with one mistake each, left out of the project's own tsconfig. */
const fixturesDir = "test/fixtures/type-errors";
const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");

interface Diagnostic {
  readonly file: string;
  readonly line: number;
  /** The whole message, its continuation lines included, without the file, position and code. */
  readonly text: string;
}

/** The diagnostics `tsc --pretty false` printed: `file(line,col): error TSnnnn: text`, then indented lines. */
function parseDiagnostics(output: string): Diagnostic[] {
  const diagnostics: { file: string; line: number; text: string }[] = [];
  for (const line of output.split("\n")) {
    const head = /^(.+?)\((\d+),\d+\): error TS\d+: (.*)$/.exec(line);
    if (head) diagnostics.push({ file: head[1]!, line: Number(head[2]), text: head[3]! });
    else if (line.trim() && diagnostics.length) diagnostics.at(-1)!.text += `\n${line}`;
  }
  return diagnostics;
}

/** The 1-based line of a fixture marked `// the error`. */
function markedLine(file: string): number {
  const lines = readFileSync(path.join(repoRoot, fixturesDir, file), "utf8").split("\n");
  const index = lines.findIndex((line) => line.includes("// the error"));
  if (index < 0) throw new Error(`${file} marks no line with "// the error"`);
  return index + 1;
}

let diagnostics: Diagnostic[] = [];

beforeAll(async () => {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [tsc, "-p", fixturesDir, "--noEmit", "--pretty", "false"],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
      // tsc exits 2 when there are errors: that is the point here.
      (error, stdout, stderr) =>
        error && !stdout
          ? reject(new Error(`tsc failed: ${stderr || error.message}`))
          : resolve(stdout),
    );
  });
  diagnostics = parseDiagnostics(output);
}, 120_000);

/** The one diagnostic of a fixture: the test fails when there is none or more than one. */
function onlyError(file: string): Diagnostic {
  const found = diagnostics.filter((diagnostic) => diagnostic.file === `${fixturesDir}/${file}`);
  expect(found, `the errors of ${file}`).toHaveLength(1);
  return found[0]!;
}

describe("defineJob's type errors", () => {
  it("reports a machine input that is not the params in one sentence at the job's params", () => {
    const error = onlyError("paramsMismatch.ts");
    expect(error.line).toBe(markedLine("paramsMismatch.ts"));
    expect(error.text).toBe(
      "Type 'ZodObject<{ barcode: ZodString; dryRun: ZodDefault<ZodBoolean>; }, $strip>' is not assignable to type " +
        `'"Docket: the machine's input must be the job's params: setup({ types: { input: {} as z.infer<typeof Params> } })"'.`,
    );
  });

  it("reports a perRecord with an untyped context in one sentence at perRecord, not in the machine", () => {
    const error = onlyError("untypedContext.ts");
    expect(error.line).toBe(markedLine("untypedContext.ts"));
    expect(error.text).toBe(
      "Property 'input' does not exist on type " +
        `'{ readonly "Docket: type the context of perRecord/perChunk, e.g. (record, { input }: RecordContext<Params>)": never; }'.`,
    );
  });

  it("reports a misspelt policy field in one sentence at the field, naming the field meant", () => {
    const error = onlyError("wrongPolicy.ts");
    expect(error.line).toBe(markedLine("wrongPolicy.ts"));
    expect(error.text).toBe(
      `Type '{ attempts: number; }' is not assignable to type '"Docket: defineJob has no field 'retries'; did you mean 'retry'?"'.`,
    );
  });

  it("keeps every message short", () => {
    for (const diagnostic of diagnostics) expect(diagnostic.text.length).toBeLessThan(260);
  });
});
