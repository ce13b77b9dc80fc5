import { describe, expect, it } from "vitest";
import {
  docket,
  fixtureCliEnv,
  output,
  queryRows,
  startRemoteCli,
  uuidLine,
} from "./support/docketCli.ts";
import { createTestDatabase, type TestDatabase } from "./support/testDatabase.ts";

/** Each test runs a dozen or more `docket` processes of a few seconds each under load. */
const cliTestTimeoutMs = 300_000;

interface InstitutionJson {
  code: string;
  name: string;
  timeZone: string;
  kind: "member" | "network";
}

/** `docket …` that must succeed; its result. */
async function ok(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = await docket(env, ...args);
  expect(result.code, `docket ${args.join(" ")}\n${output(result)}`).toBe(0);
  return result;
}

async function runsOf(database: TestDatabase) {
  return queryRows<{ id: string; job_id: string; institution: string }>(
    database,
    "select id, job_id, institution from runs order by created_at",
  );
}

describe("docket on a Docket serving several institutions", () => {
  it(
    "creates, lists and updates institutions, on the database only",
    async () => {
      await using database = await createTestDatabase();
      const env = fixtureCliEnv(database);

      const before = await ok(env, "institutions", "list", "--json");
      expect(JSON.parse(before.stdout)).toEqual([
        { code: "main", name: "Main institution", timeZone: "UTC", kind: "member" },
      ]);

      const created = await ok(
        env,
        "institutions",
        "create",
        "riverside",
        "--name",
        "Riverside Public Library",
        "--time-zone",
        "America/Chicago",
      );
      expect(created.stdout).toContain(
        "Created institution riverside (Riverside Public Library, member, time zone America/Chicago).",
      );
      expect(created.stdout).toContain("--institution riverside");
      await ok(env, "institutions", "create", "network", "--name", "Consortium NZ", "--network");
      await ok(
        env,
        "institutions",
        "update",
        "main",
        "--name",
        "Northfield University Library",
        "--time-zone",
        "America/New_York",
      );

      const listed = await ok(env, "institutions", "list", "--json");
      expect(JSON.parse(listed.stdout) as InstitutionJson[]).toEqual([
        {
          code: "main",
          name: "Northfield University Library",
          timeZone: "America/New_York",
          kind: "member",
        },
        {
          code: "riverside",
          name: "Riverside Public Library",
          timeZone: "America/Chicago",
          kind: "member",
        },
        { code: "network", name: "Consortium NZ", timeZone: "UTC", kind: "network" },
      ]);
      const table = await ok(env, "institutions", "list");
      expect(table.stdout).toMatch(/^CODE +NAME +KIND +TIME ZONE$/m);
      expect(table.stdout).toMatch(
        /^riverside +Riverside Public Library +member +America\/Chicago$/m,
      );
      expect(table.stdout).toMatch(/^network +Consortium NZ +network zone +UTC$/m);
      expect(
        await queryRows(
          database,
          "select code, name, time_zone, kind from institutions order by code",
        ),
      ).toEqual([
        {
          code: "main",
          name: "Northfield University Library",
          time_zone: "America/New_York",
          kind: "member",
        },
        { code: "network", name: "Consortium NZ", time_zone: "UTC", kind: "network" },
        {
          code: "riverside",
          name: "Riverside Public Library",
          time_zone: "America/Chicago",
          kind: "member",
        },
      ]);

      // Mistakes are one line each and change nothing.
      const taken = await docket(env, "institutions", "create", "riverside", "--name", "Other");
      expect(taken.code, output(taken)).toBe(2);
      expect(taken.stderr).toMatch(
        /^Error: An institution with code "riverside" .* already exists\./m,
      );
      const badCode = await docket(env, "institutions", "create", "River Side", "--name", "X");
      expect(badCode.code, output(badCode)).toBe(2);
      expect(badCode.stderr).toMatch(
        /^Error: Institution code "River Side": Use 1 to 32 lower-case/m,
      );
      const badZone = await docket(
        env,
        "institutions",
        "update",
        "main",
        "--time-zone",
        "Mars/Base",
      );
      expect(badZone.code, output(badZone)).toBe(2);
      const nameless = await docket(env, "institutions", "create", "hill");
      expect(nameless.code, output(nameless)).toBe(2);
      expect(nameless.stderr).toMatch(/^Error: Give the institution a --name/m);
      const unknown = await docket(env, "institutions", "update", "hill", "--name", "Hill");
      expect(unknown.code, output(unknown)).toBe(1);
      expect(unknown.stderr).toMatch(/^Error: Unknown institution "hill"\. Institutions here: /m);
      expect(await queryRows(database, "select code from institutions order by code")).toEqual([
        { code: "main" },
        { code: "network" },
        { code: "riverside" },
      ]);
    },
    cliTestTimeoutMs,
  );

  it(
    "acts for the institution --institution names: its runs land there and lists show only its own",
    async () => {
      await using database = await createTestDatabase();
      const env = fixtureCliEnv(database);

      // One member institution (a Network Zone beside it counts for nothing): no --institution needed.
      await ok(env, "institutions", "create", "network", "--name", "The NZ", "--network");
      const mainRun = (await ok(env, "run", "fixtures.noop")).stdout.match(uuidLine)?.[1];
      expect(mainRun).toBeDefined();
      expect(JSON.parse((await ok(env, "runs", "--json")).stdout)).toMatchObject([
        { id: mainRun, institution: "main" },
      ]);

      await ok(env, "institutions", "create", "riverside", "--name", "Riverside Public Library");

      // Two member institutions: a command on institution data refuses to guess, and does nothing.
      const refused = await docket(env, "runs");
      expect(refused.code, output(refused)).toBe(2);
      expect(refused.stdout).toBe("");
      expect(refused.stderr).toContain(
        "Error: This Docket serves 2 institutions (main, riverside): say which with --institution.",
      );
      const refusedStart = await docket(env, "run", "fixtures.noop");
      expect(refusedStart.code, output(refusedStart)).toBe(2);
      expect(await runsOf(database)).toHaveLength(1);
      // Commands that read no institution's data still answer.
      const jobs = await ok(env, "jobs", "--json");
      expect(JSON.parse(jobs.stdout).map((job: { id: string }) => job.id)).toContain(
        "fixtures.noop",
      );

      const riversideRun = (
        await ok(env, "run", "fixtures.noop", "--institution", "riverside")
      ).stdout.match(uuidLine)?.[1];
      expect(riversideRun).toBeDefined();
      expect(await runsOf(database)).toEqual([
        { id: mainRun, job_id: "fixtures.noop", institution: "main" },
        { id: riversideRun, job_id: "fixtures.noop", institution: "riverside" },
      ]);

      const riversideList = await ok(env, "runs", "--json", "--institution", "riverside");
      expect(JSON.parse(riversideList.stdout).map((run: { id: string }) => run.id)).toEqual([
        riversideRun,
      ]);
      // DOCKET_INSTITUTION says the same as --institution.
      const mainList = await ok({ ...env, DOCKET_INSTITUTION: "main" }, "runs", "--json");
      expect(JSON.parse(mainList.stdout).map((run: { id: string }) => run.id)).toEqual([mainRun]);
      // Another institution's run reads as an unknown one.
      const hidden = await docket(env, "run-status", riversideRun ?? "", "--institution", "main");
      expect(hidden.code, output(hidden)).toBe(1);
      expect(hidden.stderr).toMatch(/^Error: Unknown run/m);
      const aborted = await docket(env, "abort", riversideRun ?? "", "--institution", "main");
      expect(aborted.code, output(aborted)).toBe(1);
      expect(
        await queryRows(database, "select status from runs where id = $1", [riversideRun]),
      ).toEqual([{ status: "pending" }]);

      // An unknown institution is named with the ones there are.
      const unknown = await docket(env, "runs", "--institution", "hill");
      expect(unknown.code, output(unknown)).toBe(2);
      expect(unknown.stderr).toContain(
        'Error: --institution "hill" is no institution of this Docket. Its institutions: main (Main institution), riverside (Riverside Public Library), network (The NZ, network zone).',
      );
      const unknownVariable = await docket({ ...env, DOCKET_INSTITUTION: "hill" }, "runs");
      expect(unknownVariable.code, output(unknownVariable)).toBe(2);
      expect(unknownVariable.stderr).toMatch(
        /^Error: DOCKET_INSTITUTION "hill" is no institution/m,
      );

      // Over HTTP the token decides: --institution is refused before anything is asked.
      const remote = await docket(
        env,
        "runs",
        "--url",
        "http://127.0.0.1:1",
        "--institution",
        "riverside",
      );
      expect(remote.code, output(remote)).toBe(2);
      expect(remote.stderr).toMatch(
        /^Error: --institution works only on the database directly: over HTTP \(--url or DOCKET_URL\) the API token's user decides the institution\./m,
      );
    },
    cliTestTimeoutMs,
  );

  it(
    "adds users to the institution --institution names, and a network user's token lists every institution's runs",
    async () => {
      await using database = await createTestDatabase();
      const env = fixtureCliEnv(database);
      await ok(env, "institutions", "create", "riverside", "--name", "Riverside Public Library");
      await ok(env, "institutions", "create", "network", "--name", "The NZ", "--network");

      const added = await ok(
        env,
        "users",
        "add",
        "rosa",
        "--role",
        "admin",
        "--institution",
        "riverside",
      );
      expect(added.stdout).toMatch(/^Added rosa \(admin\) to riverside\.$/m);
      await ok(env, "users", "add", "ada", "--role", "staff", "--institution", "main");
      await ok(env, "users", "add", "nils", "--role", "network", "--institution", "network");
      expect(
        await queryRows(database, "select name, role, institution from users order by name"),
      ).toEqual([
        { name: "ada", role: "staff", institution: "main" },
        { name: "nils", role: "network", institution: "network" },
        { name: "rosa", role: "admin", institution: "riverside" },
      ]);
      const riversideUsers = await ok(env, "users", "list", "--json", "--institution", "riverside");
      expect(JSON.parse(riversideUsers.stdout).map((user: { name: string }) => user.name)).toEqual([
        "rosa",
      ]);
      const mainUsers = await ok(env, "users", "list", "--json", "--institution", "main");
      expect(JSON.parse(mainUsers.stdout).map((user: { name: string }) => user.name)).toEqual([
        "ada",
      ]);

      const mainRun = (await ok(env, "run", "fixtures.noop", "--institution", "main")).stdout.match(
        uuidLine,
      )?.[1];
      const riversideRun = (
        await ok(env, "run", "fixtures.noop", "--institution", "riverside")
      ).stdout.match(uuidLine)?.[1];

      const token = await ok(
        env,
        "tokens",
        "create",
        "nils",
        "--name",
        "monitor",
        "--institution",
        "network",
        "--json",
      );
      const { secret } = JSON.parse(token.stdout) as { secret: string };
      await using remote = await startRemoteCli(database, secret);
      const listed = await ok(remote.env, "runs", "--url", remote.origin);
      expect(listed.stdout).toMatch(/^ID +INSTITUTION +JOB +STATUS/m);
      expect(listed.stdout).toMatch(new RegExp(`^${mainRun} +main +fixtures\\.noop `, "m"));
      expect(listed.stdout).toMatch(
        new RegExp(`^${riversideRun} +riverside +fixtures\\.noop `, "m"),
      );
      // The network role monitors and never acts for an institution.
      const started = await docket(remote.env, "run", "fixtures.noop", "--url", remote.origin);
      expect(started.code, output(started)).toBe(1);
      expect(started.stderr).toMatch(/^Error: The network role sees every institution's work/m);
      expect(await runsOf(database)).toHaveLength(2);
    },
    cliTestTimeoutMs,
  );

  it(
    "seeds every member institution's demo catalog, or only --institution's",
    async () => {
      await using database = await createTestDatabase();
      const env = fixtureCliEnv(database);
      await ok(env, "institutions", "create", "riverside", "--name", "Riverside Public Library");

      const seeded = await ok(env, "seed", "--records", "200");
      expect(seeded.stdout).toMatch(
        /^Seeded the demo catalog of Main institution \(main\) in .+: 200 items, 100 records/m,
      );
      expect(seeded.stdout).toMatch(
        /^Seeded the demo catalog of Riverside Public Library \(riverside\) in .+: 200 items, 100 records/m,
      );
      const counts = () =>
        queryRows<{ institution: string; items: string }>(
          database,
          "select institution, count(*) as items from items group by institution order by institution",
        );
      expect(await counts()).toEqual([
        { institution: "main", items: "200" },
        { institution: "riverside", items: "200" },
      ]);
      const riversideSets = await ok(env, "sets", "list", "--json", "--institution", "riverside");
      const allItems = (
        JSON.parse(riversideSets.stdout) as { name: string; memberCount: number }[]
      ).find((set) => set.name === "All items");
      expect(allItems?.memberCount).toBe(200);

      // Without --replace a catalog that holds records is refused before any other is touched.
      const again = await docket(env, "seed", "--records", "50");
      expect(again.code, output(again)).toBe(1);
      expect(await counts()).toEqual([
        { institution: "main", items: "200" },
        { institution: "riverside", items: "200" },
      ]);

      const replaced = await ok(
        env,
        "seed",
        "--records",
        "50",
        "--replace",
        "--institution",
        "riverside",
        "--json",
      );
      expect(JSON.parse(replaced.stdout)).toMatchObject({
        catalog: { institution: "riverside", items: 50 },
      });
      expect(await counts()).toEqual([
        { institution: "main", items: "200" },
        { institution: "riverside", items: "50" },
      ]);
    },
    cliTestTimeoutMs,
  );
});
