import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { startApiServer } from "./support/apiServer.ts";
import { query } from "./support/catalogFixture.ts";
import { createTestEngine } from "./support/testEngine.ts";

const password = "correct horse battery staple";

/**
 * `auth.login` over HTTP as a browser behind a proxy sends it. `forwardedFor`
 * may be several header lines, as a chain of proxies can send them.
 */
function signIn(
  origin: string,
  input: { name: string; password: string },
  { forwardedFor, userAgent }: { forwardedFor?: string | string[]; userAgent?: string } = {},
): Promise<{ status: number; message: string | undefined }> {
  const body = JSON.stringify(input);
  const headers: Record<string, string | string[]> = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    origin,
  };
  if (forwardedFor !== undefined) headers["x-forwarded-for"] = forwardedFor;
  if (userAgent !== undefined) headers["user-agent"] = userAgent;
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/api/trpc/auth.login`, { method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => {
        const parsed = JSON.parse(text) as { error?: { message: string } };
        resolve({ status: res.statusCode ?? 0, message: parsed.error?.message });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("api: the client address behind a proxy", () => {
  it("is the entry our proxy appended to X-Forwarded-For when it is trusted, else the socket's", async () => {
    await using t = await createTestEngine();
    await t.engine.users.create({ name: "ana", role: "staff", password });
    // The API behind a proxy it trusts (DOCKET_TRUST_PROXY=1), and one serving clients directly.
    await using behindProxy = await startApiServer(t.engine, { api: { trustProxy: true } });
    await using direct = await startApiServer(t.engine);
    const cases: {
      trust: "1" | undefined;
      forwardedFor?: string | string[];
      address: string;
    }[] = [
      { trust: "1", forwardedFor: "198.51.100.1, 203.0.113.7", address: "203.0.113.7" },
      { trust: "1", forwardedFor: "203.0.113.8", address: "203.0.113.8" },
      { trust: "1", forwardedFor: ["198.51.100.1", "203.0.113.9"], address: "203.0.113.9" },
      { trust: "1", forwardedFor: "  198.51.100.1 ,2001:db8::1  ", address: "2001:db8::1" },
      { trust: "1", address: "127.0.0.1" },
      { trust: "1", forwardedFor: "198.51.100.1, ", address: "127.0.0.1" },
      { trust: undefined, forwardedFor: "203.0.113.10", address: "127.0.0.1" },
    ];
    for (const [index, { trust, forwardedFor, address }] of cases.entries()) {
      const userAgent = `case ${index}`;
      const response = await signIn(
        (trust ? behindProxy : direct).origin,
        { name: "ana", password },
        { userAgent, ...(forwardedFor === undefined ? {} : { forwardedFor }) },
      );
      expect(response.status).toBe(200);
      const rows = await query<{ address: string | null }>(
        t.database.url,
        "select address from sessions where user_agent = $1",
        [userAgent],
      );
      expect({ forwardedFor, trust, address: rows[0]?.address }).toEqual({
        forwardedFor,
        trust,
        address,
      });
    }
  });

  it("blocks an address whose client rotates the X-Forwarded-For value it writes itself", async () => {
    await using t = await createTestEngine();
    await t.engine.users.create({ name: "ana", role: "staff", password });
    await using server = await startApiServer(t.engine, { api: { trustProxy: true } });
    const proxyAppended = "203.0.113.7";
    // Guesses at ever new user names (so no one user is throttled) from ever new
    // "addresses" the client wrote, all arriving through our proxy from one address.
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 30 && !statuses.includes(429); attempt++) {
      const response = await signIn(
        server.origin,
        { name: `guess-${attempt}`, password: "not-the-password" },
        { forwardedFor: `10.0.${attempt}.1, ${proxyAppended}` },
      );
      statuses.push(response.status);
    }
    // 20 failures are free per address; the next ones block it for a growing while.
    expect(statuses.slice(0, 21)).toEqual(Array(21).fill(401));
    expect(statuses.at(-1)).toBe(429);

    // While blocked, even the right password from "another" client-written address is refused.
    const blocked = await signIn(
      server.origin,
      { name: "ana", password },
      { forwardedFor: `192.0.2.99, ${proxyAppended}` },
    );
    expect(blocked.status).toBe(429);
    expect(blocked.message).toMatch(/^Too many failed sign-ins\. Try again in \d+ s\.$/);
    const keys = await query<{ key: string; failures: number }>(
      t.database.url,
      "select key, failures from sign_in_failures where key like 'address:%'",
    );
    expect(keys).toEqual([{ key: `address:${proxyAppended}`, failures: statuses.length - 1 }]);
    expect(await query(t.database.url, "select 1 from sessions")).toHaveLength(0);
  });
});
