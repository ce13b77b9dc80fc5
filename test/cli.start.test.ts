import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "./support/freePort.ts";
import { pollUntil } from "./support/poll.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));

/** `docket start` as `npm start` runs it, with nothing configured but where its data lives. */
function start(env: Record<string, string>) {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(
    process.execPath,
    [path.join(repo, "packages/cli/bin/docket.js"), "start", "--no-web"],
    {
      cwd: repo,
      env: { ...inherited, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "")),
  );
  return { child, exited, output: () => output };
}

async function trpc<T>(port: number, procedure: string, cookie = ""): Promise<T | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/api/trpc/${procedure}`, {
    headers: { cookie },
  }).catch(() => undefined);
  if (!response?.ok) return undefined;
  return ((await response.json()) as { result: { data: T } }).result.data;
}

/** Signs in as the designer does and returns the session cookie. */
async function signIn(port: number, name: string, password: string): Promise<string> {
  const origin = `http://127.0.0.1:${port}`;
  const response = await fetch(`${origin}/api/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ name, password }),
  });
  expect(response.status).toBe(200);
  return /^(docket_session=[^;]+)/.exec(response.headers.get("set-cookie") ?? "")![1]!;
}

describe("docket start (npm start) with nothing configured", () => {
  it("serves the API on an embedded PostgreSQL within 60 s, seeds the demo consortium, and reuses its data on the next start", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "docket-start-"));
    await chmod(dataDir, 0o755); // the embedded server runs as the `postgres` OS user when we are root
    try {
      const env = {
        DOCKET_DATA_DIR: dataDir,
        DOCKET_PG_PORT: String(await freePort()),
        PORT: String(await freePort()),
      };
      const port = Number(env.PORT);
      const first = start(env);
      const startedAt = Date.now();
      await pollUntil("the API to answer", () => trpc<{ ok: true }>(port, "health"), {
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      await pollUntil("the start-up message", () =>
        /Docket is running at/.test(first.output()) ? true : undefined,
      );
      const elapsed = Date.now() - startedAt;
      expect(elapsed).toBeLessThan(60_000);
      expect(first.output()).toMatch(/Docket is running at http:\/\/localhost:\d+/);
      // Anonymous callers get nothing; the demo users' passwords were printed once.
      expect(await trpc(port, "jobs.list")).toBeUndefined();
      const admin = /^ {2}admin +(\S+) +\(admin\)$/m.exec(first.output())?.[1];
      expect(/^ {2}staff +(\S+) +\(staff\)$/m.test(first.output())).toBe(true);
      // The demo is a consortium: two libraries and the Network Zone, each with users of its own.
      expect(first.output()).toMatch(
        /^Northfield University Library \(main; America\/New_York\):\n {2}admin .*\n {2}staff /m,
      );
      expect(first.output()).toMatch(
        /^Riverside Public Library \(riverside; America\/Chicago\):\n {2}riverside\.admin +\S+ +\(admin\)\n {2}riverside\.staff +\S+ +\(staff\)$/m,
      );
      expect(first.output()).toMatch(
        /^Northfield Consortium Network Zone \(network; network zone, America\/New_York\):\n {2}network +\S+ +\(network\)\n {2}network\.admin +\S+ +\(admin\)$/m,
      );
      const riversideAdmin = /^ {2}riverside\.admin +(\S+) +\(admin\)$/m.exec(first.output())?.[1];
      const network = /^ {2}network +(\S+) +\(network\)$/m.exec(first.output())?.[1];
      const cookie = await signIn(port, "admin", admin ?? "");
      const jobs = (await trpc<{ id: string }[]>(port, "jobs.list", cookie)) ?? [];
      expect(jobs.map((job) => job.id)).toContain("items.change-policy");
      // The demo catalog is seeded beside the running server: wait for its last set.
      const sets = await pollUntil("the demo sets", async () => {
        const listed = await trpc<{ name: string; memberCount: number }[]>(
          port,
          "sets.list",
          cookie,
        );
        return listed?.some((set) => set.name === "All items") ? listed : undefined;
      });
      expect(sets.find((set) => set.name === "All items")?.memberCount).toBe(20_000);
      const schedules = await pollUntil("the example schedules", async () => {
        const listed = await trpc<{ name: string; active: boolean }[]>(
          port,
          "schedules.list",
          cookie,
        );
        return listed && listed.length >= 3 ? listed : undefined;
      });
      expect(schedules.map((schedule) => schedule.name).sort()).toEqual([
        "Nightly loan anonymization",
        "Weekly export of records published before 1950",
        "Weekly history purge",
      ]);
      expect(schedules.every((schedule) => !schedule.active)).toBe(true);
      // Riverside has a catalog and example sets of its own, which main's admin does not see.
      const riversideCookie = await signIn(port, "riverside.admin", riversideAdmin ?? "");
      const riversideSets = await pollUntil("Riverside's demo sets", async () => {
        const listed = await trpc<{ id: string; name: string; memberCount: number }[]>(
          port,
          "sets.list",
          riversideCookie,
        );
        return listed?.some((set) => set.name === "All items") ? listed : undefined;
      });
      expect(riversideSets.find((set) => set.name === "All items")?.memberCount).toBe(20_000);
      const mainSetIds = new Set((sets as { id?: string }[]).map((set) => set.id));
      expect(riversideSets.filter((set) => mainSetIds.has(set.id))).toEqual([]);
      // The network user sees both institutions.
      const networkCookie = await signIn(port, "network", network ?? "");
      const institutions = await trpc<{ code: string }[]>(port, "institutions.list", networkCookie);
      expect(institutions?.map((institution) => institution.code).sort()).toEqual([
        "main",
        "network",
        "riverside",
      ]);
      first.child.kill("SIGINT");
      expect(await first.exited).toBe(0);

      const second = start(env);
      const again = await pollUntil(
        "sets.list after a restart",
        // Sessions live in the database, so the cookie outlives the restart.
        () => trpc<{ name: string }[]>(port, "sets.list", cookie),
        {
          timeoutMs: 60_000,
        },
      );
      expect(again.map((set) => set.name).sort()).toEqual(sets.map((set) => set.name).sort());
      second.child.kill("SIGINT");
      expect(await second.exited).toBe(0);
      expect(second.output()).not.toMatch(/Seeded the demo catalog/);
      expect(second.output()).not.toMatch(/Created demo users/);
      console.log(`docket start answered after ${elapsed} ms`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});
