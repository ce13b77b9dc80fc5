import { request } from "node:http";
import type { Engine } from "@docket/engine";
import { describe, expect, it } from "vitest";
import { startApiServer } from "./support/apiServer.ts";
import { query } from "./support/catalogFixture.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestEngine, waitForStatus } from "./support/testEngine.ts";

/** How far the server read one of the engine's generators, and whether it was closed. */
interface Reading {
  items: number;
  exhausted: boolean;
  closed: boolean;
}

/**
 * The engine as the API sees it, with `engine.runs[method]`'s generators watched: the real
 * generator does the reading; this only records how far it got and that it was
 * closed (its `finally` ran), which is what a released download looks like.
 */
function watchGenerators(
  engine: Engine,
  method: "readFile" | "readHistory",
): { engine: Engine; readings: Reading[] } {
  const readings: Reading[] = [];
  async function* watch<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
    const reading: Reading = { items: 0, exhausted: false, closed: false };
    readings.push(reading);
    try {
      for await (const item of source) {
        reading.items++;
        yield item;
      }
      reading.exhausted = true;
    } finally {
      reading.closed = true;
    }
  }
  const runs = new Proxy(engine.runs, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== method || typeof value !== "function") return value;
      return (...args: unknown[]) => watch(value.apply(target, args));
    },
  });
  const watched = new Proxy(engine, {
    get: (target, key, receiver) => (key === "runs" ? runs : Reflect.get(target, key, receiver)),
  });
  return { engine: watched, readings };
}

/**
 * GETs `url`, reads until `bytes` arrived, then destroys the connection as a
 * browser does when its user cancels. Resolves with the status and bytes read.
 */
function readAndHangUp(
  url: string,
  headers: Record<string, string>,
  bytes: number,
): Promise<{ status: number; received: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let received = 0;
      res.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received >= bytes) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, received });
        }
      });
      res.on("end", () => reject(new Error(`The whole body (${received} bytes) arrived`)));
    });
    req.on("error", (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
}

describe("api: downloads a client abandons", () => {
  it("closes the run file's reader when the client goes away mid-download", async () => {
    await using t = await createTestEngine();
    await using _worker = await t.engine.startWorker();
    const run = await t.engine.runs.start({ jobId: "fixtures.noop", params: {}, createdBy: "ana" });
    await waitForStatus(t.engine, run.id, ["completed"]);
    // 1,000 chunks of 64 KiB: 64 MiB, far more than the socket buffers between us hold.
    // Keyed as record chunks are (by their first member id, 1, 2001, 4001 …), each
    // starting with its number so the order they arrive in can be checked.
    const chunkCount = 1_000;
    const chunkBytes = 64 * 1024;
    await query(
      t.database.url,
      `insert into run_file_chunks (run_id, name, part, seq, content)
       select $1, 'big.csv', 0, 1 + (g - 1) * 2000, rpad(g::text || ',', $3::int - 1, 'x') || E'\\n'
       from generate_series(1, $2::int) g`,
      [run.id, chunkCount, chunkBytes],
    );
    const { engine, readings } = watchGenerators(t.engine, "readFile");
    await using server = await startApiServer(engine);
    const fileUrl = `${server.origin}/api/runs/${run.id}/files/big.csv`;

    const { status } = await readAndHangUp(fileUrl, server.authHeaders, 256 * 1024);
    expect(status).toBe(200);
    const [reading] = readings;
    await pollUntil("the file's reader to be closed", () => (reading?.closed ? true : undefined), {
      timeoutMs: 10_000,
    });
    expect(reading?.exhausted).toBe(false);
    expect(reading?.items).toBeLessThan(chunkCount);

    // A client that stays gets the whole file, every chunk once and in order; its reader closes too.
    const whole = await fetch(fileUrl, { headers: server.authHeaders });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const body = await whole.text();
    expect(body.length).toBe(chunkCount * chunkBytes);
    const order = body.split("\n", chunkCount).map((line) => Number(line.split(",", 1)[0]));
    expect(order).toEqual(Array.from({ length: chunkCount }, (_, index) => index + 1));
    expect(readings[1]).toEqual({ items: chunkCount, exhausted: true, closed: true });
  });

  it("stops reading the run history when the client goes away mid-export", async () => {
    await using t = await createTestEngine();
    const runCount = 60_000; // about 6 MB of CSV in 30 batches
    await query(
      t.database.url,
      `insert into runs (job_id, machine_version, status, description, params, trigger, created_by,
                         institution, created_at, started_at, ended_at, notified_at)
       select 'fixtures.noop', 'v1', 'completed', 'Batch ' || g, '{}', '{"kind":"manual"}', 'ana', 'main',
              timestamptz '2026-06-01T00:00:00Z' - g * interval '1 second',
              timestamptz '2026-06-01T00:00:00Z' - g * interval '1 second',
              timestamptz '2026-06-01T00:00:00Z', timestamptz '2026-06-01T00:00:00Z'
       from generate_series(1, $1::int) g`,
      [runCount],
    );
    const { engine, readings } = watchGenerators(t.engine, "readHistory");
    await using server = await startApiServer(engine);

    const { status } = await readAndHangUp(
      `${server.origin}/api/runs/history.csv`,
      server.authHeaders,
      64 * 1024,
    );
    expect(status).toBe(200);
    const [reading] = readings;
    await pollUntil("the history reader to be closed", () => (reading?.closed ? true : undefined), {
      timeoutMs: 10_000,
    });
    expect(reading?.exhausted).toBe(false);
    expect(reading?.items).toBeLessThan(runCount / 2000);
  });
});
