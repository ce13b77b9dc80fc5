import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { API, type Diagnostic, DiagnosticCategory, type Snapshot } from "typescript/unstable/async";
import { repoRoot } from "../paths.ts";
import { type JobProblem, lineAndColumn } from "./jobProblem.ts";

/** Files of the jobs directory added, changed and removed since the last check. */
export interface JobFileChanges {
  readonly created: readonly string[];
  readonly changed: readonly string[];
  readonly deleted: readonly string[];
}

/** The TypeScript compiler kept in memory over the jobs directory, so a re-check after an edit is quick. */
export interface JobsTypeChecker {
  /** The errors and warnings of every file in the jobs directory, after `changes`. */
  check(changes?: JobFileChanges): Promise<JobProblem[]>;
  close(): Promise<void>;
}

/**
 * Starts the compiler (TypeScript 7's API server, one child process) on a
 * project of the jobs directory's files with the repository's compiler options
 * (tsconfig.json), as `npm run typecheck` checks `jobs/`.
 */
export async function startJobsTypeChecker(jobsDir: string): Promise<JobsTypeChecker> {
  const config = await writeJobsConfig(jobsDir);
  const api = new API({ cwd: repoRoot });
  try {
    let snapshot: Snapshot = await api.updateSnapshot({ openProjects: [config] });
    return {
      async check(changes) {
        if (changes) {
          const previous = snapshot;
          snapshot = await api.updateSnapshot({
            fileChanges: {
              created: [...changes.created],
              changed: [...changes.changed],
              deleted: [...changes.deleted],
            },
          });
          await previous.dispose();
        }
        const project = snapshot.getProject(config);
        if (!project) throw new Error(`The compiler lost the project ${config}.`);
        const { program } = project;
        const perFile = await Promise.all(
          project.rootFiles.map(async (file) => [
            ...(await program.getSyntacticDiagnostics(file)),
            ...(await program.getSemanticDiagnostics(file)),
          ]),
        );
        const whole = await program.getProgramDiagnostics(); // e.g. the compiler options
        return toProblems([...whole, ...perFile.flat()], config);
      },
      async close() {
        await api.close();
        await rm(config, { force: true });
      },
    };
  } catch (error) {
    await api.close().catch(() => {});
    await rm(config, { force: true });
    throw error;
  }
}

/**
 * A tsconfig of the jobs directory's files that extends the repository's, in
 * .docket/ (one per jobs directory, so two `docket dev` on different
 * directories do not share one): inside the repository, so the compiler finds
 * node_modules (Node's types, @docket/sdk) as it does for `jobs/`.
 */
async function writeJobsConfig(jobsDir: string): Promise<string> {
  const hash = createHash("sha256").update(jobsDir).digest("hex").slice(0, 12);
  const file = path.join(repoRoot, ".docket", "dev", `tsconfig.jobs-${hash}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  const config = {
    extends: path.join(repoRoot, "tsconfig.json"),
    include: [path.join(jobsDir, "**", "*.ts"), path.join(jobsDir, "**", "*.mts")],
  };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

const severities: Partial<Record<DiagnosticCategory, JobProblem["severity"]>> = {
  [DiagnosticCategory.Error]: "error",
  [DiagnosticCategory.Warning]: "warning",
};

/** Diagnostics at their file, line and column; those of no file at `otherFile`. */
async function toProblems(
  diagnostics: readonly Diagnostic[],
  otherFile: string,
): Promise<JobProblem[]> {
  const texts = new Map<string, Promise<string>>();
  const textOf = (file: string) => {
    let text = texts.get(file);
    if (!text) {
      text = readFile(file, "utf8").catch(() => "");
      texts.set(file, text);
    }
    return text;
  };
  const problems: JobProblem[] = [];
  for (const diagnostic of diagnostics) {
    const severity = severities[diagnostic.category];
    if (!severity) continue;
    const file = diagnostic.fileName ?? otherFile;
    const place = diagnostic.fileName
      ? lineAndColumn(await textOf(file), diagnostic.pos)
      : { line: 1, column: 1 };
    problems.push({
      file,
      ...place,
      severity,
      code: `TS${diagnostic.code}`,
      message: messageText(diagnostic),
    });
  }
  return problems.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}

/** The message and its chain, each level indented two more spaces, as tsc prints it. */
function messageText(diagnostic: Diagnostic, depth = 0): string {
  const lines = [`${"  ".repeat(depth)}${diagnostic.text}`];
  for (const next of diagnostic.messageChain ?? []) lines.push(messageText(next, depth + 1));
  return lines.join("\n");
}
