import { userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { docket, fixtureCliEnv, output, queryRows, startRemoteCli } from "./support/docketCli.ts";
import { createTestDatabase, type TestDatabase } from "./support/testDatabase.ts";

async function startNoop(env: NodeJS.ProcessEnv, ...extra: string[]) {
  const started = await docket(env, "run", "fixtures.noop", "--json", ...extra);
  expect(started.code, output(started)).toBe(0);
  return JSON.parse(started.stdout) as { id: string; createdBy: string };
}

async function storedCreators(database: TestDatabase): Promise<string[]> {
  const rows = await queryRows<{ created_by: string }>(
    database,
    "select created_by from runs order by created_at",
  );
  return rows.map((row) => row.created_by);
}

describe("who started it: the CLI on the database acts as the operating-system user or --as", () => {
  it("records the operating-system user as the creator of a run started in process", async () => {
    await using database = await createTestDatabase();
    const env = fixtureCliEnv(database);
    const run = await startNoop(env);
    const osUser = userInfo().username;
    expect(run.createdBy).toBe(osUser);
    expect(await storedCreators(database)).toEqual([osUser]);
    const listed = await docket(env, "runs");
    expect(listed.code, output(listed)).toBe(0);
    const escaped = osUser.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(listed.stdout).toMatch(new RegExp(`^${run.id} .* ${escaped}$`, "m"));
  });

  it("records --as, and a staff user of that name sees those runs as their own over the API", async () => {
    await using database = await createTestDatabase();
    const env = fixtureCliEnv(database);
    const added = await docket(env, "users", "add", "ana", "--role", "staff");
    expect(added.code, output(added)).toBe(0);
    // Acting as ana keeps the database's administrator power: creating ana's own token works too.
    const token = await docket(env, "tokens", "create", "ana", "--name", "laptop", "--as", "ana");
    expect(token.code, output(token)).toBe(0);
    const secret = /DOCKET_TOKEN\): (dkt_\S+)/.exec(token.stdout)?.[1];
    expect(secret).toBeDefined();

    const someoneElses = await startNoop(env);
    const anas = await startNoop(env, "--as", "ana");
    expect(anas.createdBy).toBe("ana");
    expect(await storedCreators(database)).toEqual([userInfo().username, "ana"]);

    await using remote = await startRemoteCli(database, secret ?? "");
    const seen = await docket(remote.env, "runs", "--url", remote.origin, "--json");
    expect(seen.code, output(seen)).toBe(0);
    const ids = (JSON.parse(seen.stdout) as { id: string }[]).map((run) => run.id);
    expect(ids).toEqual([anas.id]);
    expect(ids).not.toContain(someoneElses.id);
    const status = await docket(
      remote.env,
      "run-status",
      anas.id,
      "--url",
      remote.origin,
      "--json",
    );
    expect(status.code, output(status)).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: anas.id, createdBy: "ana" });
  });

  it("refuses --as over HTTP, where the API token decides who acts", async () => {
    await using database = await createTestDatabase();
    const refusal =
      /--as works only on the database directly: over HTTP \(--url or DOCKET_URL\) the API token decides who you are/;
    const withUrl = await docket(
      fixtureCliEnv(database, { DOCKET_TOKEN: "dkt_whatever" }),
      "run",
      "fixtures.noop",
      "--as",
      "ana",
      "--url",
      "http://127.0.0.1:1",
    );
    expect(withUrl.code, output(withUrl)).toBe(2);
    expect(withUrl.stderr).toMatch(refusal);
    const fromEnvironment = await docket(
      fixtureCliEnv(database, { DOCKET_URL: "http://127.0.0.1:1", DOCKET_TOKEN: "dkt_whatever" }),
      "runs",
      "--as",
      "ana",
    );
    expect(fromEnvironment.code, output(fromEnvironment)).toBe(2);
    expect(fromEnvironment.stderr).toMatch(refusal);
  });

  it("refuses an --as that is not a user name before storing anything", async () => {
    await using database = await createTestDatabase();
    const result = await docket(
      fixtureCliEnv(database),
      "run",
      "fixtures.noop",
      "--as",
      "Ana Lopez",
    );
    expect(result.code, output(result)).toBe(2);
    expect(result.stderr).toMatch(
      /--as "Ana Lopez" is not a user name: Use lower-case letters, digits/,
    );
    expect(await storedCreators(database)).toEqual([]);
  });
});
