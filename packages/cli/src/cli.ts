import { type Command, parseCommandArgs } from "./command.ts";
import { commands } from "./commands/index.ts";
import { describeError, exitCodes, UsageError } from "./errors.ts";
import { formatCommandHelp, formatOverview } from "./help.ts";
import { printLine } from "./output.ts";

function findCommand(name: string): Command {
  const command = commands.find((c) => c.name === name);
  if (!command) {
    throw new UsageError(
      `Unknown command "${name}". Commands: ${commands.map((c) => c.name).join(", ")}, help.`,
    );
  }
  return command;
}

/**
 * Runs `docket` with `argv` (without `node` and the script) and returns the
 * exit code. User errors are printed as one line on stderr, never as a stack
 * trace; `DOCKET_DEBUG=1` adds the stack of unexpected ones.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      const topic = name === "help" ? rest[0] : undefined;
      printLine(
        topic === undefined ? formatOverview(commands) : formatCommandHelp(findCommand(topic)),
      );
      return exitCodes.ok;
    }
    if (name === "--version" || name === "-v") {
      printLine("docket 0.1.0");
      return exitCodes.ok;
    }
    const command = findCommand(name);
    const input = parseCommandArgs(command, rest);
    if (input.values.help) {
      printLine(formatCommandHelp(command));
      return exitCodes.ok;
    }
    return await command.run(input);
  } catch (error) {
    const described = describeError(error);
    process.stderr.write(`Error: ${described.message}\n`);
    if (described.unexpected && process.env.DOCKET_DEBUG) console.error(error);
    return described.exitCode;
  }
}
