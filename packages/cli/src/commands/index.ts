import type { Command } from "../command.ts";
import { abortCommand } from "./abort.ts";
import { devCommand } from "./dev.ts";
import {
  institutionsCreateCommand,
  institutionsListCommand,
  institutionsUpdateCommand,
} from "./institutions.ts";
import { jobsCommand } from "./jobs.ts";
import { jobsNewCommand } from "./jobsNew.ts";
import { migrateCommand } from "./migrate.ts";
import { restartCommand } from "./restart.ts";
import { restoreCommand } from "./restore.ts";
import { runCommand } from "./run.ts";
import { runFileCommand } from "./runFile.ts";
import { runRecordsCommand } from "./runRecords.ts";
import { runStatusCommand } from "./runStatus.ts";
import { runsCommand } from "./runs.ts";
import { schedulesAddCommand } from "./schedulesAdd.ts";
import { schedulesListCommand } from "./schedulesList.ts";
import { schedulesPreviewCommand } from "./schedulesPreview.ts";
import { schedulesRemoveCommand } from "./schedulesRemove.ts";
import { schedulesRunNowCommand } from "./schedulesRunNow.ts";
import { schedulesSetActiveCommand } from "./schedulesSetActive.ts";
import { seedCommand } from "./seed.ts";
import { setsCreateItemizedCommand } from "./setsCreateItemized.ts";
import { setsCreateLogicalCommand } from "./setsCreateLogical.ts";
import { setsDeleteCommand } from "./setsDelete.ts";
import { setsListCommand } from "./setsList.ts";
import { setsShowCommand } from "./setsShow.ts";
import { startCommand } from "./start.ts";
import {
  tokensCreateCommand,
  usersAddCommand,
  usersListCommand,
  usersResetPasswordCommand,
  usersSetRoleCommand,
} from "./users.ts";
import { workerCommand } from "./worker.ts";
import { workersCommand } from "./workers.ts";
import {
  workflowsExportCommand,
  workflowsImportCommand,
  workflowsListCommand,
} from "./workflows.ts";

/**
 * Every command, in the order `docket --help` lists them. A name of two words
 * ("sets list") is a command of a group: `docket sets --help` lists the group.
 */
export const commands: readonly Command[] = [
  startCommand,
  devCommand,
  workerCommand,
  workersCommand,
  migrateCommand,
  seedCommand,
  jobsCommand,
  jobsNewCommand,
  runCommand,
  runsCommand,
  runStatusCommand,
  abortCommand,
  restoreCommand,
  restartCommand,
  runRecordsCommand,
  runFileCommand,
  setsListCommand,
  setsShowCommand,
  setsCreateItemizedCommand,
  setsCreateLogicalCommand,
  setsDeleteCommand,
  schedulesListCommand,
  schedulesAddCommand,
  schedulesSetActiveCommand,
  schedulesRemoveCommand,
  schedulesRunNowCommand,
  schedulesPreviewCommand,
  workflowsListCommand,
  workflowsExportCommand,
  workflowsImportCommand,
  institutionsListCommand,
  institutionsCreateCommand,
  institutionsUpdateCommand,
  usersListCommand,
  usersAddCommand,
  usersSetRoleCommand,
  usersResetPasswordCommand,
  tokensCreateCommand,
];
