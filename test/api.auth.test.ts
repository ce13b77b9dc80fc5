import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { appRouter, createApiContext, createApiRequestHandler, createCaller } from "@docket/api";
import type { Engine } from "@docket/engine";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { createTestEngine } from "./support/testEngine.ts";

/** The API over HTTP, called like a browser would (JSON bodies, cookies kept by hand). */
async function startServer(engine: Engine) {
  const handler = createApiRequestHandler(engine);
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (
    path: string,
    options: {
      input?: unknown;
      cookie?: string;
      bearer?: string;
      origin?: string | null;
      mutation?: boolean;
    } = {},
  ) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.cookie) headers.cookie = options.cookie;
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    const mutation = options.mutation ?? false;
    if (mutation && options.origin !== null) headers.origin = options.origin ?? origin;
    const url = mutation
      ? `${origin}/api/trpc/${path}`
      : `${origin}/api/trpc/${path}${options.input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(options.input))}`}`;
    const response = await fetch(url, {
      method: mutation ? "POST" : "GET",
      headers,
      ...(mutation ? { body: JSON.stringify(options.input ?? null) } : {}),
    });
    const body = (await response.json()) as {
      result?: { data: unknown };
      error?: { message: string; data: { code: string } };
    };
    return { status: response.status, body, setCookie: response.headers.get("set-cookie") };
  };
  const signIn = async (name: string, password: string) => {
    const response = await call("auth.login", { input: { name, password }, mutation: true });
    expect(response.status).toBe(200);
    const cookie = /^(docket_session=[^;]+)/.exec(response.setCookie ?? "")?.[1];
    expect(cookie).toBeDefined();
    return cookie!;
  };
  return {
    origin,
    call,
    signIn,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const password = "correct horse battery";

describe("authentication", () => {
  it("answers every procedure but login and health UNAUTHORIZED for anonymous callers", async () => {
    await using t = await createTestEngine();
    const anonymous = createCaller(createApiContext(t.engine, null));
    const procedures = Object.keys(
      (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
    );
    expect(procedures.length).toBeGreaterThan(40);
    const open = ["auth.login", "health"];
    for (const path of procedures.filter((p) => !open.includes(p))) {
      const procedure = path
        .split(".")
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], anonymous) as (
        input: unknown,
      ) => Promise<unknown>;
      const error = await Promise.resolve()
        .then(() => procedure({}))
        .catch((e: unknown) => e);
      expect(error, path).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code, path).toBe("UNAUTHORIZED");
    }
    expect(await anonymous.health()).toEqual({ ok: true });

    await using server = await startServer(t.engine);
    const listed = await server.call("jobs.list");
    expect(listed.status).toBe(401);
    expect(listed.body.error?.message).toMatch(/Sign in/);
    expect((await server.call("health")).status).toBe(200);
  });

  it("signs in with an httpOnly SameSite cookie, knows the user, and signs out for good", async () => {
    await using t = await createTestEngine();
    await t.engine.users.create({ name: "ana", displayName: "Ana López", role: "staff", password });
    await using server = await startServer(t.engine);
    const login = await server.call("auth.login", {
      input: { name: "ana", password },
      mutation: true,
    });
    expect(login.status).toBe(200);
    expect(login.setCookie).toMatch(
      /^docket_session=dks_[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/,
    );
    const cookie = /^(docket_session=[^;]+)/.exec(login.setCookie!)![1]!;
    // Only the hash is stored: the cookie's value is not in the table.
    const stored = await query<{ token_hash: string }>(
      t.database.url,
      "select token_hash from sessions",
    );
    expect(stored).toHaveLength(1);
    expect(cookie).not.toContain(stored[0]!.token_hash);

    const me = await server.call("auth.me", { cookie });
    expect(me.body.result?.data).toMatchObject({
      name: "ana",
      displayName: "Ana López",
      role: "staff",
      via: "session",
    });

    const logout = await server.call("auth.logout", { cookie, mutation: true });
    expect(logout.status).toBe(200);
    expect(logout.setCookie).toMatch(/Max-Age=0/);
    expect((await server.call("auth.me", { cookie })).status).toBe(401);
  });

  it("refuses wrong passwords with one message and slows down repeated failures", async () => {
    await using t = await createTestEngine();
    await t.engine.users.create({ name: "ana", role: "staff", password });
    await using server = await startServer(t.engine);
    const wrong = await server.call("auth.login", {
      input: { name: "ana", password: "nope-nope-nope" },
      mutation: true,
    });
    const unknown = await server.call("auth.login", {
      input: { name: "bob", password },
      mutation: true,
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error?.message).toBe("Wrong user name or password.");
    expect(unknown.body.error?.message).toBe(wrong.body.error?.message);
    for (let attempt = 2; attempt <= 5; attempt += 1) {
      const again = await server.call("auth.login", {
        input: { name: "ana", password: "nope-nope-nope" },
        mutation: true,
      });
      expect(again.status).toBe(401);
    }
    // The sixth failure blocks the user for a while: even the right password must wait.
    await server.call("auth.login", {
      input: { name: "ana", password: "nope-nope-nope" },
      mutation: true,
    });
    const blocked = await server.call("auth.login", {
      input: { name: "ana", password },
      mutation: true,
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error?.message).toMatch(/Too many failed sign-ins\. Try again in \d+ s\./);
    expect(await query(t.database.url, "select 1 from sessions")).toHaveLength(0);

    // Once the block has passed (moved into the past here), the right password works again.
    await query(
      t.database.url,
      "update sign_in_failures set blocked_until = now() - interval '1 second'",
    );
    await server.signIn("ana", password);
    expect(
      await query(t.database.url, "select key from sign_in_failures where key = 'user:ana'"),
    ).toEqual([]);
  });

  it("refuses cross-site state changes that carry the session cookie", async () => {
    await using t = await createTestEngine();
    await t.engine.users.create({ name: "ana", role: "staff", password });
    await using server = await startServer(t.engine);
    const cookie = await server.signIn("ana", password);
    const forged = await server.call("runs.start", {
      cookie,
      mutation: true,
      origin: "https://evil.example",
      input: { jobId: "fixtures.noop" },
    });
    expect(forged.status).toBe(403);
    expect(JSON.stringify(forged.body)).toMatch(/Cross-site request refused/);
    const noOrigin = await server.call("runs.start", {
      cookie,
      mutation: true,
      origin: null,
      input: { jobId: "fixtures.noop" },
    });
    expect(noOrigin.status).toBe(403);
    expect((await t.engine.runs.list()).runs).toEqual([]);
    const sameSite = await server.call("runs.start", {
      cookie,
      mutation: true,
      input: { jobId: "fixtures.noop" },
    });
    expect(sameSite.status).toBe(200);
    expect((await t.engine.runs.list()).runs.map((run) => run.createdBy)).toEqual(["ana"]);
  });

  it("issues API tokens shown once, stored hashed, with last-used time, and revocable", async () => {
    await using t = await createTestEngine();
    await t.engine.users.create({ name: "ana", role: "staff", password });
    await using server = await startServer(t.engine);
    const cookie = await server.signIn("ana", password);
    const created = await server.call("tokens.create", {
      cookie,
      mutation: true,
      input: { name: "laptop" },
    });
    const { secret, token } = created.body.result!.data as {
      secret: string;
      token: { id: string; lastUsedAt: string | null };
    };
    expect(secret).toMatch(/^dkt_[\w-]{40,}$/);
    expect(token.lastUsedAt).toBeNull();
    const rows = await query<{ token_hash: string }>(
      t.database.url,
      "select token_hash from api_tokens",
    );
    expect(rows[0]!.token_hash).not.toBe(secret);

    // A script: no cookie and no Origin, only the bearer token.
    const started = await server.call("runs.start", {
      bearer: secret,
      mutation: true,
      origin: null,
      input: { jobId: "fixtures.noop" },
    });
    expect(started.status).toBe(200);
    expect((await t.engine.runs.list()).runs[0]?.createdBy).toBe("ana");
    const listed = await server.call("tokens.list", { cookie });
    expect(
      (listed.body.result!.data as { lastUsedAt: string | null }[])[0]?.lastUsedAt,
    ).not.toBeNull();
    // The secret is never listed again.
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    expect(
      (await server.call("tokens.revoke", { cookie, mutation: true, input: { id: token.id } }))
        .status,
    ).toBe(200);
    const revoked = await server.call("auth.me", { bearer: secret });
    expect(revoked.status).toBe(401);
    // A script learns its token is the problem, not that it forgot to send one.
    expect(revoked.body.error?.message).toMatch(/API token was not accepted/);
    const forged = await server.call("auth.me", { bearer: "dkt_forged" });
    expect(forged.status).toBe(401);
    expect(forged.body.error?.message).toBe(revoked.body.error?.message);
  });

  it("ends other sessions on a password change, and expired sessions are refused", async () => {
    await using t = await createTestEngine();
    await t.engine.users.create({ name: "ana", role: "staff", password });
    await using server = await startServer(t.engine);
    const laptop = await server.signIn("ana", password);
    const phone = await server.signIn("ana", password);
    const weak = await server.call("auth.changePassword", {
      cookie: laptop,
      mutation: true,
      input: { currentPassword: password, newPassword: "short" },
    });
    expect(weak.status).toBe(400);
    expect((await server.call("auth.me", { cookie: phone })).status).toBe(200);
    const changed = await server.call("auth.changePassword", {
      cookie: laptop,
      mutation: true,
      input: { currentPassword: password, newPassword: "a much longer passphrase" },
    });
    expect(changed.status).toBe(200);
    expect((await server.call("auth.me", { cookie: laptop })).status).toBe(200);
    expect((await server.call("auth.me", { cookie: phone })).status).toBe(401);
    await server.signIn("ana", "a much longer passphrase");

    await query(t.database.url, "update sessions set expires_at = now() - interval '1 second'");
    const expired = await server.call("auth.me", { cookie: laptop });
    expect(expired.status).toBe(401);
    expect(expired.body.error?.message).toMatch(/session has ended.*Sign in again/);
  });

  it("creates demo users once on an empty database, and an admin manages users", async () => {
    await using t = await createTestEngine();
    const demo = await t.engine.users.ensureDemoUsers();
    expect(demo.map((user) => [user.name, user.role])).toEqual([
      ["admin", "admin"],
      ["staff", "staff"],
    ]);
    expect(await t.engine.users.ensureDemoUsers()).toEqual([]);
    await using server = await startServer(t.engine);
    const admin = await server.signIn("admin", demo[0]!.password);
    const staff = await server.signIn("staff", demo[1]!.password);
    const added = await server.call("users.create", {
      cookie: admin,
      mutation: true,
      input: { name: "vic", role: "viewer", password: "viewer password" },
    });
    expect(added.status).toBe(200);
    const denied = await server.call("users.create", {
      cookie: staff,
      mutation: true,
      input: { name: "eve", role: "admin", password: "sneaky password" },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error?.message).toMatch(
      /Permission "users\.create" is missing: it needs the admin role; you are signed in as staff/,
    );
    expect((await t.engine.users.list()).map((user) => user.name)).toEqual([
      "admin",
      "staff",
      "vic",
    ]);
    const lastAdmin = await server.call("users.setRole", {
      cookie: admin,
      mutation: true,
      input: { user: "admin", role: "staff" },
    });
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.body.error?.message).toMatch(/last active admin/);
    // A reset ends the user's sessions.
    await server.call("users.resetPassword", {
      cookie: admin,
      mutation: true,
      input: { user: "staff", password: "brand new password" },
    });
    expect((await server.call("auth.me", { cookie: staff })).status).toBe(401);
  });
});
