import type { Institution } from "@docket/engine";
import { databaseOptions, defineCommand } from "../command.ts";
import { openEngine } from "../engineSession.ts";
import { UsageError } from "../errors.ts";
import { formatTable, printJson, printLine } from "../output.ts";

/** Said by every institutions command. */
const onTheDatabase =
  "On the database only (no --url): adding or renaming an institution is the operator's act, done where the database's credentials are, not any signed-in user's.";

function requireCode(positionals: readonly string[]): string {
  const code = positionals[0];
  if (!code) throw new UsageError("Give the institution's code, e.g. `riverside`.");
  return code;
}

function kindLabel(institution: Institution): string {
  return institution.kind === "network" ? "network zone" : "member";
}

function describe(institution: Institution): string {
  return `${institution.code} (${institution.name}, ${kindLabel(institution)}, time zone ${institution.timeZone})`;
}

export const institutionsListCommand = defineCommand({
  name: "institutions list",
  summary: "List the institutions this Docket serves: members and the Network Zone.",
  institutionData: false,
  options: { ...databaseOptions },
  details: [
    "Every user, set, schedule, workflow, run, API token and catalog record belongs to one institution; its users see only its data. A member institution is a library; the Network Zone (kind network) is the consortium's, home of network-role users, who see every member's work and change none, and of network-level jobs.",
    onTheDatabase,
  ],
  examples: ["docket institutions list", "docket institutions list --json"],
  async run({ values, json }) {
    await using session = await openEngine({ databaseUrl: values["database-url"], poolSize: 2 });
    const institutions = await session.engine.institutions.list();
    if (json) {
      printJson(institutions);
      return 0;
    }
    printLine(
      formatTable(
        ["CODE", "NAME", "KIND", "TIME ZONE"],
        institutions.map((institution) => [
          institution.code,
          institution.name,
          kindLabel(institution),
          institution.timeZone,
        ]),
      ),
    );
    return 0;
  },
});

export const institutionsCreateCommand = defineCommand({
  name: "institutions create",
  summary: "Add an institution (a member library, or with --network the Network Zone).",
  institutionData: false,
  positionals: [
    {
      name: "code",
      description:
        "Short and lower-case, never changes: 1-32 letters, digits, - or _ (e.g. riverside). Used with --institution.",
    },
  ],
  options: {
    name: {
      type: "string",
      valueName: "TEXT",
      description: "Its name as staff know it, unique. Required.",
    },
    "time-zone": {
      type: "string",
      valueName: "ZONE",
      description:
        "IANA time zone its new schedules use unless they name their own, e.g. America/Chicago. Default UTC.",
    },
    network: {
      type: "boolean",
      description:
        "The consortium's Network Zone rather than a member: its network-role users see every member's work, its admins start network-level jobs.",
    },
    ...databaseOptions,
  },
  details: [
    "A new institution starts empty: no users, catalog, sets or schedules. Add its first admin with `docket users add <name> --role admin --institution <code>`; they add the others in the designer.",
    "Once a Docket serves more than one member institution, commands on the database need --institution (or DOCKET_INSTITUTION) to say whose data they work on.",
    onTheDatabase,
  ],
  examples: [
    'docket institutions create riverside --name "Riverside Public Library" --time-zone America/Chicago',
    'docket institutions create network --name "Northfield Consortium Network Zone" --network',
  ],
  async run({ values, positionals, json }) {
    const code = requireCode(positionals);
    if (!values.name)
      throw new UsageError(
        'Give the institution a --name, e.g. --name "Riverside Public Library".',
      );
    await using session = await openEngine({ databaseUrl: values["database-url"], poolSize: 2 });
    const institution = await session.engine.institutions.create({
      code,
      name: values.name,
      ...(values["time-zone"] === undefined ? {} : { timeZone: values["time-zone"] }),
      kind: values.network ? "network" : "member",
    });
    if (json) {
      printJson(institution);
      return 0;
    }
    printLine(`Created institution ${describe(institution)}.`);
    printLine(
      `Add its first admin: docket users add <name> --role ${institution.kind === "network" ? "admin (or network)" : "admin"} --institution ${institution.code}`,
    );
    return 0;
  },
});

export const institutionsUpdateCommand = defineCommand({
  name: "institutions update",
  summary: "Rename an institution or change its default time zone (its code never changes).",
  institutionData: false,
  positionals: [{ name: "code", description: "The institution's code." }],
  options: {
    name: { type: "string", valueName: "TEXT", description: "Its new name." },
    "time-zone": {
      type: "string",
      valueName: "ZONE",
      description:
        "Its new default time zone (IANA). Schedules keep the zone they were saved with; only new ones use this.",
    },
    ...databaseOptions,
  },
  details: [onTheDatabase],
  examples: [
    'docket institutions update main --name "Northfield University Library" --time-zone America/New_York',
  ],
  async run({ values, positionals, json }) {
    const code = requireCode(positionals);
    if (values.name === undefined && values["time-zone"] === undefined) {
      throw new UsageError("Say what changes: --name, --time-zone or both.");
    }
    await using session = await openEngine({ databaseUrl: values["database-url"], poolSize: 2 });
    const institution = await session.engine.institutions.update({
      code,
      ...(values.name === undefined ? {} : { name: values.name }),
      ...(values["time-zone"] === undefined ? {} : { timeZone: values["time-zone"] }),
    });
    if (json) printJson(institution);
    else printLine(`Updated institution ${describe(institution)}.`);
    return 0;
  },
});
