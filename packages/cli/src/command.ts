import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";

/** One option of a command, parsed by Node's `util.parseArgs`. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** Repeatable: the values arrive as an array. */
  readonly multiple?: boolean;
  readonly short?: string;
  /** Placeholder of the value in help, e.g. `N` → `--limit <N>`. */
  readonly valueName?: string;
  readonly description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<T extends OptionSpec> = T["type"] extends "boolean"
  ? boolean | undefined
  : T["multiple"] extends true
    ? string[] | undefined
    : string | undefined;

export type OptionValues<T extends OptionSpecs> = { -readonly [K in keyof T]: ValueOf<T[K]> };

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
}

/** Options every command takes. */
export const commonOptions = {
  json: {
    type: "boolean",
    description: "Print the result as JSON on stdout (notes go to stderr).",
  },
  help: { type: "boolean", short: "h", description: "Show this help." },
} as const satisfies OptionSpecs;

/** Options of the commands that use a database. */
export const databaseOptions = {
  "database-url": {
    type: "string",
    valueName: "URL",
    description:
      "PostgreSQL to use. Default: DATABASE_URL, else the embedded PostgreSQL in .docket/ (on port DOCKET_PG_PORT, else the port it used last, else 54329 or, when that is taken, a free one).",
  },
} as const satisfies OptionSpecs;

/** Options of the commands that work through the API: locally on a database, or on a remote server. */
export const clientOptions = {
  ...databaseOptions,
  url: {
    type: "string",
    valueName: "URL",
    description:
      "A Docket server to work on over HTTP (e.g. http://docket.example.edu:3000), with the API token in DOCKET_TOKEN. Default: DOCKET_URL, else the database directly.",
  },
  as: {
    type: "string",
    valueName: "USER",
    description:
      "On the database directly: the user name recorded as creator of what this command starts or saves (a staff user of that name sees those runs as theirs). Default: the operating-system user. Over HTTP the API token decides, and --as is refused.",
  },
  institution: {
    type: "string",
    valueName: "CODE",
    description:
      "On the database directly: the institution to act for (e.g. riverside): the command sees only its data, and what it starts or creates belongs to it. Default: DOCKET_INSTITUTION, else the only member institution; a Docket serving several needs it. Over HTTP the API token's user decides, and --institution is refused.",
  },
} as const satisfies OptionSpecs;

export interface CommandInput<T extends OptionSpecs> {
  readonly values: OptionValues<T & typeof commonOptions>;
  readonly positionals: readonly string[];
  readonly json: boolean;
}

export interface Command<T extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  /** One line, shown in `docket --help`. */
  readonly summary: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly options: T;
  /** Paragraphs shown after the options. */
  readonly details?: readonly string[];
  /**
   * False for a command that reads no institution's data (job types, workers,
   * schedule previews): on a Docket serving several institutions it runs
   * without `--institution`, as the default institution. Default true.
   */
  readonly institutionData?: boolean;
  readonly examples?: readonly string[];
  /** Returns the exit code. */
  run(input: CommandInput<T>): Promise<number>;
}

/** Keeps each command's option types while storing commands in one list. */
export function defineCommand<const T extends OptionSpecs>(command: Command<T>): Command {
  // Run functions are contravariant in their option types: a typed command is not a Command<OptionSpecs>.
  return command as unknown as Command;
}

/** Parses `args` (after the command name) strictly: unknown options and missing values are usage errors. */
export function parseCommandArgs(
  command: Command,
  args: readonly string[],
): CommandInput<OptionSpecs> {
  const options: OptionSpecs = { ...command.options, ...commonOptions };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(options).map(([name, spec]) => [
          name,
          {
            type: spec.type,
            ...(spec.multiple ? { multiple: true } : {}),
            ...(spec.short ? { short: spec.short } : {}),
          },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(
      `${describeParseError(error)} Run \`docket ${command.name} --help\` for its options.`,
    );
  }
  const values = parsed.values as Record<string, unknown>;
  if (!values.help) {
    const expected = command.positionals ?? [];
    if (parsed.positionals.length < expected.length) {
      const missing = expected.slice(parsed.positionals.length).map((p) => `<${p.name}>`);
      throw new UsageError(
        `Missing ${missing.join(" ")}. Usage: ${usageLine(command)}. Run \`docket ${command.name} --help\` for details.`,
      );
    }
    if (parsed.positionals.length > expected.length) {
      const extra = parsed.positionals.slice(expected.length);
      throw new UsageError(`Unexpected argument "${extra[0]}". Usage: ${usageLine(command)}.`);
    }
  }
  return {
    values: values as CommandInput<OptionSpecs>["values"],
    positionals: parsed.positionals,
    json: values.json === true,
  };
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // parseArgs messages end with advice about `--` that does not apply here; keep the first sentence.
  const first = message.split(/\.\s/)[0] ?? message;
  return first.endsWith(".") ? first : `${first}.`;
}

/** `docket run <jobId> [options]`. */
export function usageLine(command: Command): string {
  const positionals = (command.positionals ?? []).map((p) => ` <${p.name}>`).join("");
  return `docket ${command.name}${positionals} [options]`;
}
