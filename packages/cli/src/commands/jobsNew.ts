import { access, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { defineCommand } from "../command.ts";
import { readConfig } from "../config.ts";
import { relativeFile } from "../dev/jobProblem.ts";
import { jobFileText, jobTestText } from "../dev/jobTemplate.ts";
import { UsageError } from "../errors.ts";
import { printJson, printLine } from "../output.ts";
import { repoRoot } from "../paths.ts";

/** What the engine's registry accepts as a job id (and so as a job file's name). */
const jobIdPattern = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/;

export const jobsNewCommand = defineCommand({
  name: "jobs new",
  summary: "Write a new job file that runs as it is, and a test that runs it, to start a job from.",
  positionals: [
    {
      name: "id",
      description:
        "The job's id, also its file name: lower-case words and . or -, e.g. items.mark-damaged.",
    },
  ],
  options: {
    "test-dir": {
      type: "string",
      valueName: "DIR",
      description:
        "Where the test goes. Default test/jobs/ in the repository: vitest runs test/**/*.test.ts, not files in jobs/.",
    },
  },
  details: [
    "Writes <jobs directory>/<id>.ts (DOCKET_JOBS_DIR, else jobs/): one step that logs a message, a typed `message` parameter with a default, and a title, category and description made from the id. `docket dev` picks it up as soon as it is written.",
    "The test beside it runs the job with @docket/sdk/testing (the real engine on its own database, a clock the test moves) and expects it to complete: extend it as the job grows. Nothing is written when either file exists or the id is not valid.",
  ],
  examples: [
    "docket jobs new items.mark-damaged",
    "npx vitest run test/jobs/items.mark-damaged.test.ts",
  ],
  async run({ values, positionals, json }) {
    const id = positionals[0] ?? "";
    if (!jobIdPattern.test(id)) {
      throw new UsageError(
        `"${id}" is not a valid job id: use lower-case words separated by "." or "-", e.g. items.mark-damaged.`,
      );
    }
    // Docket's built-in jobs (docket.restore, docket.purge-history) live under "docket.".
    if (id.startsWith("docket.")) {
      throw new UsageError(
        `"${id}": ids starting with "docket." are Docket's built-in jobs; choose another id.`,
      );
    }
    const { jobsDir = path.join(repoRoot, "jobs") } = readConfig().engine;
    const testDir = path.resolve(values["test-dir"] ?? path.join(repoRoot, "test", "jobs"));
    const jobFile = path.join(jobsDir, `${id}.ts`);
    const testFile = path.join(testDir, `${id}.test.ts`);
    for (const file of [jobFile, testFile]) {
      if (await exists(file)) {
        throw new UsageError(`${relativeFile(file)} already exists: nothing was written.`);
      }
    }
    const fromTests = (target: string) => {
      const relative = path.relative(testDir, target).split(path.sep).join("/");
      return relative.startsWith(".") ? relative : `./${relative}`;
    };
    await mkdir(jobsDir, { recursive: true });
    await mkdir(testDir, { recursive: true });
    // "wx": a file created meanwhile is refused, not overwritten.
    await writeFile(jobFile, jobFileText(id), { flag: "wx" });
    await writeFile(testFile, jobTestText(id, { jobFile: fromTests(jobFile) }), { flag: "wx" });
    if (json) {
      printJson({ id, jobFile, testFile });
    } else {
      printLine(
        `Wrote ${relativeFile(jobFile)} (job ${id}) and ${relativeFile(testFile)} (its test).`,
      );
      printLine(`Run the test: npx vitest run ${relativeFile(testFile)}`);
      printLine(`Try the job: docket run ${id} --wait (or edit it while \`docket dev\` runs).`);
    }
    return 0;
  },
});

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
