import { type Command, commonOptions, type OptionSpecs, usageLine } from "./command.ts";

/** The text of `docket --help`. */
export function formatOverview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), "help".length);
  return [
    "Usage: docket <command> [options]",
    "",
    "Docket runs jobs — typed XState machines — durably in PostgreSQL, many of them on sets of",
    "records (items, records, loans, headings) of the library catalog.",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${"help".padEnd(width)}  Show the options of a command: docket help <command>.`,
    "",
    "Every command takes --help and --json. The database is --database-url, else DATABASE_URL, else an",
    "embedded PostgreSQL in .docket/ (DOCKET_DATA_DIR). Job types are loaded from DOCKET_JOBS_DIR, else jobs/.",
    "On the database a command acts as the local administrator. With --url (or DOCKET_URL) it works on a",
    "Docket server over HTTP instead, as the user of the API token in DOCKET_TOKEN and with that user's role.",
    "A Docket serving several institutions (`docket institutions list`) keeps each one's data apart: on the",
    "database say whose with --institution <code> (or DOCKET_INSTITUTION); over HTTP the token's user decides.",
    "Exit codes: 0 ok, 1 failed (or the awaited run did not complete), 2 invalid command line or parameters.",
    "DOCKET_DEBUG=1 prints the details of unexpected errors.",
    "",
    "Getting started: `docket start` (into an empty database it seeds a demo consortium, two libraries with",
    "catalogs and example sets and a Network Zone, and creates their demo users, printing their passwords once",
    "for signing in to the designer), then `docket sets list --institution main` and",
    '`docket run items.change-policy --institution main --set "All items" --param policy="Short loan" --wait`.',
  ].join("\n");
}

/** The text of `docket sets --help`: the commands of a group. */
export function formatGroupHelp(group: string, members: readonly Command[]): string {
  const width = Math.max(...members.map((c) => c.name.length));
  return [
    `Usage: docket ${group} <command> [options]`,
    "",
    "Commands:",
    ...members.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `Run \`docket ${group} <command> --help\` for the options of one.`,
  ].join("\n");
}

/** The text of `docket <command> --help`. */
export function formatCommandHelp(command: Command): string {
  const lines = [`Usage: ${usageLine(command)}`, "", command.summary];
  if (command.positionals?.length) {
    lines.push("", "Arguments:");
    const width = Math.max(...command.positionals.map((p) => p.name.length + 2));
    for (const p of command.positionals)
      lines.push(`  ${`<${p.name}>`.padEnd(width)}  ${p.description}`);
  }
  const options: OptionSpecs = { ...command.options, ...commonOptions };
  const labels = Object.entries(options).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : "    ";
    const value = spec.type === "string" ? ` <${spec.valueName ?? "value"}>` : "";
    return [
      `${short}--${name}${value}`,
      spec.description + (spec.multiple ? " Repeatable." : ""),
    ] as const;
  });
  const width = Math.max(...labels.map(([label]) => label.length));
  const columns = Math.min(process.stdout.columns || 100, 120);
  lines.push("", "Options:");
  for (const [label, description] of labels) {
    lines.push(
      `  ${label.padEnd(width)}  ${wrap(description, columns - width - 4, " ".repeat(width + 4))}`,
    );
  }
  for (const paragraph of command.details ?? []) lines.push("", wrap(paragraph, columns, ""));
  if (command.examples?.length) {
    lines.push("", "Examples:");
    for (const example of command.examples) lines.push(`  ${example}`);
  }
  return lines.join("\n");
}

/** Breaks `text` into lines of at most `width` characters; lines after the first start with `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > Math.max(width, 30)) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}
