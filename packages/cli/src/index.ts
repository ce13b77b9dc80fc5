/**
 * The `docket` command: `packages/cli/bin/docket.js` runs {@link runCli}.
 * Commands reach Docket only through {@link DocketClient} (the tRPC API).
 */
export { runCli } from "./cli.ts";
export {
  type ConnectOptions,
  connectClient,
  createInProcessClient,
  type DocketClient,
  type JobSummary,
  type RunResult,
} from "./client.ts";
export { type Command, defineCommand } from "./command.ts";
export { commands } from "./commands/index.ts";
export { formatCommandHelp, formatOverview } from "./help.ts";
