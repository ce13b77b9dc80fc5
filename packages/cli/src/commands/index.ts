import type { Command } from "../command.ts";
import { abortCommand } from "./abort.ts";
import { jobsCommand } from "./jobs.ts";
import { migrateCommand } from "./migrate.ts";
import { runCommand } from "./run.ts";
import { runStatusCommand } from "./runStatus.ts";
import { runsCommand } from "./runs.ts";
import { startCommand } from "./start.ts";
import { workerCommand } from "./worker.ts";

/** Every command, in the order `docket --help` lists them. */
export const commands: readonly Command[] = [
  startCommand,
  workerCommand,
  migrateCommand,
  jobsCommand,
  runCommand,
  runsCommand,
  runStatusCommand,
  abortCommand,
];
