import { describe, expect, it } from "vitest";
import { docket, fixtureCliEnv, output, startRemoteCli } from "./support/docketCli.ts";
import { createTestDatabase } from "./support/testDatabase.ts";

describe("docket users and remote use", () => {
  it("adds users, changes roles, resets passwords, and creates a token that works with --url", async () => {
    await using database = await createTestDatabase();
    const env = fixtureCliEnv(database);
    const added = await docket(
      env,
      "users",
      "add",
      "ana.lopez",
      "--role",
      "staff",
      "--display-name",
      "Ana López",
    );
    expect(added.code, output(added)).toBe(0);
    expect(added.stdout).toMatch(
      /^Added ana\.lopez \(staff\)\.\nPassword \(shown only now\): \S{16}\n$/,
    );
    const badRole = await docket(env, "users", "add", "bob", "--role", "boss");
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/Give a role: admin, staff, viewer, network \(got "boss"\)/);
    const badName = await docket(env, "users", "add", "Bob Smith", "--role", "staff");
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/lower-case letters/);

    expect((await docket(env, "users", "set-role", "ana.lopez", "admin")).stdout).toBe(
      "ana.lopez is now admin.\n",
    );
    const reset = await docket(env, "users", "reset-password", "ana.lopez");
    expect(reset.stdout).toMatch(/New password \(shown only now\): \S{16}/);
    const listed = await docket(env, "users", "list", "--json");
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { name: "ana.lopez", displayName: "Ana López", role: "admin", disabled: false },
    ]);

    const token = await docket(env, "tokens", "create", "ana.lopez", "--name", "laptop");
    expect(token.code, output(token)).toBe(0);
    const secret = /Token \(shown only now; set it as DOCKET_TOKEN\): (dkt_\S+)/.exec(
      token.stdout,
    )?.[1];
    expect(secret).toBeDefined();

    // The CLI against a server over HTTP, as on a staff member's laptop.
    await using server = await startRemoteCli(database, secret ?? "");
    const remote = server.env;
    const started = await docket(remote, "run", "fixtures.noop", "--url", server.origin, "--json");
    expect(started.code, output(started)).toBe(0);
    const run = JSON.parse(started.stdout) as { id: string; createdBy: string; createdAt: string };
    expect(run.createdBy).toBe("ana.lopez");
    const runs = await docket(remote, "runs", "--url", server.origin);
    expect(runs.code, output(runs)).toBe(0);
    expect(runs.stdout).toContain(run.id);

    const wrongToken = await docket(
      { ...remote, DOCKET_TOKEN: "dkt_wrong" },
      "runs",
      "--url",
      server.origin,
    );
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toMatch(
      /The API token was not accepted: .*docket tokens create.*\(The token was read from DOCKET_TOKEN\.\)/,
    );
    const noToken = await docket({ ...remote, DOCKET_TOKEN: "" }, "runs", "--url", server.origin);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/needs an API token/);
    const unknownRun = await docket(
      remote,
      "run-status",
      "00000000-0000-4000-8000-000000000000",
      "--url",
      server.origin,
    );
    expect(unknownRun.code).toBe(1);
    expect(unknownRun.stderr).toMatch(/Unknown run/);
  });
});
