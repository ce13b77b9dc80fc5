import type { Caller } from "@docket/api";
import type { Engine, Institution } from "@docket/engine";
import type { Role } from "@docket/sdk";
import pg from "pg";

/**
 * A second (third, …) institution beside the default `main`, for isolation
 * tests: `createInstitution(engine, "riverside")`.
 */
export async function createInstitution(
  engine: Engine,
  code: string,
  options: {
    readonly name?: string;
    readonly timeZone?: string;
    readonly kind?: "member" | "network";
  } = {},
): Promise<Institution> {
  return engine.institutions.create({
    code,
    name: options.name ?? `Institution ${code}`,
    timeZone: options.timeZone ?? "UTC",
    kind: options.kind ?? "member",
  });
}

/** A caller of `institution` with `role`, as the API sees a signed-in user (no user row needed). */
export function callerOf(institution: string, role: Role, name = `${role}-${institution}`): Caller {
  return { name, role, institution, userId: null, via: "local" };
}

/** A signed-in user of the API, as a session cookie makes them (sign-in through the engine). */
export async function sessionCaller(
  engine: Engine,
  name: string,
  password: string,
): Promise<Caller> {
  const signedIn = await engine.users.signIn(
    { name, password },
    { address: null, userAgent: null },
  );
  const session = await engine.users.authenticateSession(signedIn.sessionToken);
  if (!session) throw new Error(`The session of ${name} was not accepted`);
  const { user } = session;
  return {
    name: user.name,
    role: user.role,
    institution: user.institution,
    userId: user.id,
    via: "session",
    sessionId: session.sessionHash,
  };
}

/**
 * A small catalog of `institution`, written with SQL: `items` items on
 * `items / 2` records, a loan per record and two headings, numbered from
 * `firstId` (ids are global, so institutions take distinct ranges). Every text
 * carries `mark`: barcodes `<mark>-B<i>`, titles, library, location, patrons.
 */
export async function insertInstitutionCatalog(
  url: string,
  {
    institution,
    firstId,
    items,
    mark,
  }: { institution: string; firstId: number; items: number; mark: string },
): Promise<{ itemIds: number[]; barcodes: string[]; recordIds: number[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const records = Math.max(1, Math.ceil(items / 2));
    const recordIds = Array.from({ length: records }, (_, i) => firstId + i);
    const itemIds = Array.from({ length: items }, (_, i) => firstId + i);
    await client.query(
      `insert into bib_records (id, institution, title, author, year, subjects)
       select g, $2, $3 || ' title ' || g, $3 || ' author ' || g, 1900 + g % 120, array[$3 || ' subject']
       from unnest($1::bigint[]) g`,
      [recordIds, institution, mark],
    );
    await client.query(
      `insert into items (id, institution, barcode, record_id, library, location, item_policy, status)
       select g, $2, $3 || '-B' || g, $4::bigint + (g - $4::bigint) % $5::int,
              $3 || ' library', $3 || ' stacks', $3 || ' loan', 'in_place'
       from unnest($1::bigint[]) g`,
      [itemIds, institution, mark, firstId, records],
    );
    await client.query(
      `insert into loans (id, institution, item_id, patron_id, patron_name, loaned_at, due_at, returned_at)
       select g, $2, g, $3 || '-P' || g, $3 || ' patron ' || g,
              now() - interval '1000 days', now() - interval '990 days', now() - interval '995 days'
       from unnest($1::bigint[]) g`,
      [recordIds, institution, mark],
    );
    await client.query(
      `insert into headings (id, institution, term, preferred_term)
       select g, $2, $3 || ' term ' || g, $3 || ' preferred ' || g from unnest($1::bigint[]) g`,
      [recordIds.slice(0, 2), institution, mark],
    );
    return { itemIds, barcodes: itemIds.map((id) => `${mark}-B${id}`), recordIds };
  } finally {
    await client.end();
  }
}

/**
 * Tables whose rows belong to an institution through another row: what a
 * digest of the institution reads besides the tables with an `institution` column.
 */
const ownedThrough: Readonly<Record<string, string>> = {
  institutions: "code = $1",
  run_events: "run_id in (select id from runs where institution = $1)",
  run_journal: "run_id in (select id from runs where institution = $1)",
  run_members: "run_id in (select id from runs where institution = $1)",
  run_parts: "run_id in (select id from runs where institution = $1)",
  run_records: "run_id in (select id from runs where institution = $1)",
  run_file_chunks: "run_id in (select id from runs where institution = $1)",
  run_event_waits: "run_id in (select id from runs where institution = $1)",
  // A mail about the institution's run, or to one of its subscriptions.
  notifications: `run_id in (select id from runs where institution = $1)
    or subscription_id in (select id from notification_subscriptions where institution = $1)`,
  set_members: "set_id in (select id from sets where institution = $1)",
  workflow_versions: "workflow_id in (select id from workflows where institution = $1)",
  sessions: "user_id in (select id from users where institution = $1)",
  upload_chunks: "upload_id in (select id from uploads where institution = $1)",
};

/**
 * Per table, how many rows of `institution` it holds and an md5 of them all
 * (in row order): equal digests taken before and after mean nothing of the
 * institution changed. Every table with an `institution` column is read (so a
 * new one is included without a change here), and the rows owned through
 * them: run history, outcomes, notifications, set members, versions, sessions.
 */
export async function institutionDigest(
  url: string,
  institution: string,
  { skip = [] }: { skip?: readonly string[] } = {},
): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ table_name: string }>(
      `select table_name from information_schema.columns
       where table_schema = 'public' and column_name = 'institution' order by table_name`,
    );
    const where: Record<string, string> = { ...ownedThrough };
    for (const { table_name } of tables) where[table_name] = "institution = $1";
    const parts = Object.entries(where)
      .filter(([table]) => !skip.includes(table))
      .map(
        ([table, condition]) =>
          `select '${table}' as name, (select count(*) || ' rows ' ||
             md5(coalesce(string_agg(x::text, E'\\n' order by x::text), ''))
           from ${table} x where ${condition}) as digest`,
      );
    const { rows } = await client.query<{ name: string; digest: string }>(
      `${parts.join(" union all ")} order by name`,
      [institution],
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.digest]));
  } finally {
    await client.end();
  }
}

/** The tables whose digest differs, with both digests: empty when nothing changed. */
export function digestChanges(
  before: Record<string, string>,
  after: Record<string, string>,
): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((table) => before[table] !== after[table])
    .map((table) => `${table}: ${before[table] ?? "absent"} -> ${after[table] ?? "absent"}`);
}
