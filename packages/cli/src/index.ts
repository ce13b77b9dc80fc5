/**
 * The `docket` command: `packages/cli/bin/docket.js` runs {@link runCli}.
 * Commands reach Docket only through {@link DocketConnection}: one tRPC client of the API.
 */
export { runCli } from "./cli.ts";
export { type Command, defineCommand } from "./command.ts";
export { commands } from "./commands/index.ts";
export {
  type ConnectOptions,
  connect,
  type DocketApi,
  type DocketConnection,
  type RunResult,
  withConnection,
} from "./connection.ts";
export { formatCommandHelp, formatOverview } from "./help.ts";
