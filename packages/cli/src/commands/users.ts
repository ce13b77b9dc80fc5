import { generatePassword } from "@docket/engine";
import { type Role, roles } from "@docket/sdk";
import { clientOptions, defineCommand } from "../command.ts";
import { withConnection } from "../connection.ts";
import { UsageError } from "../errors.ts";
import { formatTable, formatTimestamp, printJson, printLine } from "../output.ts";

function parseRole(value: string | undefined): Role {
  const role = roles.find((known) => known === value);
  if (!role) throw new UsageError(`Give a role: ${roles.join(", ")} (got "${value ?? ""}").`);
  return role;
}

/** Said by every users command: the API allows them to admins only. */
const adminsOnly =
  "Admins only: on the database the CLI acts as the local administrator; with --url, DOCKET_TOKEN must be an admin's.";

function requireName(positionals: readonly string[]): string {
  const name = positionals[0];
  if (!name) throw new UsageError("Give the user's name, e.g. `ana.lopez`.");
  return name;
}

export const usersListCommand = defineCommand({
  name: "users list",
  summary: "List users with their roles (admins only).",
  options: { ...clientOptions },
  details: [adminsOnly],
  examples: ["docket users list"],
  async run({ values, json }) {
    const users = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.users.list.query(),
    );
    if (json) printJson(users);
    else if (users.length === 0)
      printLine("No users. `docket users add <name> --role admin` adds one.");
    else {
      printLine(
        formatTable(
          ["NAME", "DISPLAY NAME", "ROLE", "STATUS", "CREATED"],
          users.map((user) => [
            user.name,
            user.displayName,
            user.role,
            user.disabled ? "disabled" : "active",
            formatTimestamp(user.createdAt),
          ]),
        ),
      );
    }
    return 0;
  },
});

export const usersAddCommand = defineCommand({
  name: "users add",
  summary: "Add a user with a role; prints a generated password once unless --password is given.",
  positionals: [{ name: "name", description: "Sign-in name: lower-case letters, digits, . _ -" }],
  options: {
    role: { type: "string", valueName: "ROLE", description: `${roles.join(", ")}. Required.` },
    "display-name": {
      type: "string",
      valueName: "TEXT",
      description: "Shown in the designer. Default: the name.",
    },
    password: {
      type: "string",
      valueName: "PASSWORD",
      description: "At least 10 characters. Default: generated and printed once.",
    },
    ...clientOptions,
  },
  details: [
    adminsOnly,
    "The user belongs to the institution the command acts for: on the database --institution (e.g. the first admin of a new institution), over HTTP the token's. User names are unique across the whole Docket: signing in needs no institution. The network role is for users of the Network Zone (an institution created with --network).",
  ],
  examples: [
    "docket users add ana.lopez --role staff --display-name 'Ana López'",
    "docket users add rosa.admin --role admin --institution riverside",
  ],
  async run({ values, positionals, json }) {
    const name = requireName(positionals);
    const role = parseRole(values.role);
    const password = values.password ?? generatePassword();
    const user = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) =>
        api.users.create.mutate({
          name,
          role,
          password,
          ...(values["display-name"] ? { displayName: values["display-name"] } : {}),
        }),
    );
    if (json) printJson({ ...user, ...(values.password ? {} : { password }) });
    else {
      // Said when the command line chose the institution; a one-institution Docket reads as before.
      const where =
        (values.institution ?? process.env.DOCKET_INSTITUTION) ? ` to ${user.institution}` : "";
      printLine(`Added ${user.name} (${user.role})${where}.`);
      if (!values.password) printLine(`Password (shown only now): ${password}`);
    }
    return 0;
  },
});

export const usersSetRoleCommand = defineCommand({
  name: "users set-role",
  summary: "Change a user's role (the last admin stays admin).",
  positionals: [
    { name: "name", description: "The user's name." },
    { name: "role", description: roles.join(", ") },
  ],
  options: { ...clientOptions },
  details: [adminsOnly],
  examples: ["docket users set-role ana.lopez admin"],
  async run({ values, positionals, json }) {
    const name = requireName(positionals);
    const role = parseRole(positionals[1]);
    const user = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.users.setRole.mutate({ user: name, role }),
    );
    if (json) printJson(user);
    else printLine(`${user.name} is now ${user.role}.`);
    return 0;
  },
});

export const usersResetPasswordCommand = defineCommand({
  name: "users reset-password",
  summary: "Set a new password for a user and sign them out everywhere.",
  positionals: [{ name: "name", description: "The user's name." }],
  options: {
    password: {
      type: "string",
      valueName: "PASSWORD",
      description: "Default: generated and printed once.",
    },
    ...clientOptions,
  },
  details: [adminsOnly],
  examples: ["docket users reset-password staff"],
  async run({ values, positionals, json }) {
    const name = requireName(positionals);
    const password = values.password ?? generatePassword();
    const user = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) => api.users.resetPassword.mutate({ user: name, password }),
    );
    if (json) printJson({ ...user, ...(values.password ? {} : { password }) });
    else {
      printLine(`Reset the password of ${user.name}; their sessions have ended.`);
      if (!values.password) printLine(`New password (shown only now): ${password}`);
    }
    return 0;
  },
});

export const tokensCreateCommand = defineCommand({
  name: "tokens create",
  summary: "Create an API token for scripts and remote CLI use (DOCKET_TOKEN); printed once.",
  positionals: [{ name: "user", description: "The user the token acts as (with their role)." }],
  options: {
    name: {
      type: "string",
      valueName: "TEXT",
      description: "What uses the token, e.g. nightly-export. Required.",
    },
    "expires-in-days": {
      type: "string",
      valueName: "N",
      description:
        "Days until it expires (1-3650). Default: it never expires; revoke it on the designer's Admin page.",
    },
    ...clientOptions,
  },
  details: [
    "The token acts as <user> with that user's role. With --url, a user creates tokens for themselves (their own name); only admins create them for other users.",
  ],
  examples: ["docket tokens create ana.lopez --name laptop-cli"],
  async run({ values, positionals, json }) {
    const userName = requireName(positionals);
    if (!values.name) throw new UsageError("Give the token a --name saying what uses it.");
    const days = values["expires-in-days"];
    if (days !== undefined && !/^\d+$/.test(days)) {
      throw new UsageError(`--expires-in-days takes a whole number of days (got "${days}").`);
    }
    const created = await withConnection(
      { databaseUrl: values["database-url"], url: values.url },
      ({ api }) =>
        api.tokens.create.mutate({
          name: values.name ?? "",
          userName,
          ...(days === undefined ? {} : { expiresInDays: Number(days) }),
        }),
    );
    if (json) printJson(created);
    else {
      printLine(`Created token "${created.token.name}" for ${created.token.userName}.`);
      printLine(`Token (shown only now; set it as DOCKET_TOKEN): ${created.secret}`);
    }
    return 0;
  },
});
