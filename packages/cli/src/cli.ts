import { inspect } from "node:util";
import { type Command, parseCommandArgs } from "./command.ts";
import { commands } from "./commands/index.ts";
import { withCommandLineIdentity } from "./connection.ts";
import { describeError, exitCodes, UsageError } from "./errors.ts";
import { formatCommandHelp, formatGroupHelp, formatOverview } from "./help.ts";
import { printLine, printNote } from "./output.ts";

/** What the first words of the command line name: a command, or a group like `sets`. */
type Found =
  | { readonly command: Command; readonly rest: readonly string[] }
  | { readonly group: string; readonly members: readonly Command[] };

/** `sets list …` is the command "sets list"; `run …` the command "run"; `sets` alone the group. */
function findCommand(words: readonly string[]): Found {
  const [first = "", second] = words;
  const pair = commands.find((c) => c.name === `${first} ${second}`);
  if (pair) return { command: pair, rest: words.slice(2) };
  const single = commands.find((c) => c.name === first);
  if (single) return { command: single, rest: words.slice(1) };
  const members = commands.filter((c) => c.name.startsWith(`${first} `));
  if (members.length === 0) {
    throw new UsageError(`Unknown command "${first}". Commands: ${commandNames()}, help.`);
  }
  if (second !== undefined && !second.startsWith("-")) {
    throw new UsageError(
      `Unknown command "${first} ${second}". Commands: ${members.map((c) => c.name).join(", ")}.`,
    );
  }
  return { group: first, members };
}

/** Groups once (`sets`), not once per subcommand. */
function commandNames(): string {
  return [...new Set(commands.map((c) => c.name.split(" ")[0]))].join(", ");
}

function isHelp(word: string | undefined): boolean {
  return word === "--help" || word === "-h";
}

/**
 * Runs `docket` with `argv` (without `node` and the script) and returns the
 * exit code. User errors are printed as one line on stderr, never as a stack
 * trace; `DOCKET_DEBUG=1` adds the stack of unexpected ones.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || isHelp(name) || name === "help") {
      if (name !== "help" || rest.length === 0) {
        printLine(formatOverview(commands));
        return exitCodes.ok;
      }
      const found = findCommand(rest);
      printLine(
        "command" in found
          ? formatCommandHelp(found.command)
          : formatGroupHelp(found.group, found.members),
      );
      return exitCodes.ok;
    }
    if (name === "--version" || name === "-v") {
      printLine("docket 0.1.0");
      return exitCodes.ok;
    }
    const found = findCommand(argv);
    if (!("command" in found)) {
      if (isHelp(rest[0])) {
        printLine(formatGroupHelp(found.group, found.members));
        return exitCodes.ok;
      }
      throw new UsageError(
        `Missing a command after "${found.group}": ${found.members.map((c) => c.name).join(", ")}. Run \`docket ${found.group} --help\` for details.`,
      );
    }
    const input = parseCommandArgs(found.command, found.rest);
    if (input.values.help) {
      printLine(formatCommandHelp(found.command));
      return exitCodes.ok;
    }
    const { as, institution } = input.values;
    return await withCommandLineIdentity(
      {
        as: typeof as === "string" ? as : undefined,
        institution: typeof institution === "string" ? institution : undefined,
        institutionData: found.command.institutionData ?? true,
      },
      () => found.command.run(input),
    );
  } catch (error) {
    const described = describeError(error);
    process.stderr.write(`Error: ${described.message}\n`);
    if (described.unexpected && process.env.DOCKET_DEBUG) printNote(inspect(error));
    return described.exitCode;
  }
}
