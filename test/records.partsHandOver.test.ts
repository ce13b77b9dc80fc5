import { describe, expect, it } from "vitest";
import { query } from "./support/catalogFixture.ts";
import { pollUntil } from "./support/poll.ts";
import { engineWithSetOf } from "./support/setEngine.ts";
import { waitForStatus } from "./support/testEngine.ts";

describe("a worker that stops gracefully while a multi-part run's parts are under way", () => {
  it("hands its parts over: another worker continues each after its last chunk and the run completes, every record once", async () => {
    await using t = await engineWithSetOf(200_000, "records"); // on 400,000 items
    const url = t.database.url;
    const first = await t.engine.startWorker({ pollingIntervalSeconds: 1 });
    const run = await t.startOnSet("records.normalize");
    await pollUntil("parts to be under way", async () => {
      const [row] = await query<{ n: number }>(
        url,
        "select count(*)::int as n from run_parts where run_id = $1 and processed > 0 and status = 'running'",
        [run.id],
      );
      return (row?.n ?? 0) > 0 ? true : undefined;
    });
    await first.stop(); // a deploy: SIGTERM, not a crash
    const [left] = await query<{ n: number }>(
      url,
      "select count(*)::int as n from run_parts where run_id = $1 and status <> 'done'",
      [run.id],
    );
    // The stop caught parts in flight (else this test proves nothing).
    expect(left!.n).toBeGreaterThan(0);
    const [requeued] = await query<{ n: number }>(
      url,
      `select count(*)::int as n from pgboss.job j join run_parts p on p.queue_job_id = j.id
        where p.run_id = $1 and p.status <> 'done' and j.state = 'created'`,
      [run.id],
    );
    expect(requeued!.n).toBe(left!.n);

    await using _second = await t.engine.startWorker({ pollingIntervalSeconds: 1 });
    const done = await waitForStatus(t.engine, run.id, ["completed", "failed", "aborted"], 60_000);
    expect(done.status).toBe("completed");
    const [outcomes] = await query<{ n: number; distinct: number }>(
      url,
      "select count(*)::int as n, count(distinct member_id)::int as distinct from run_records where run_id = $1",
      [run.id],
    );
    expect(outcomes).toEqual({ n: 200_000, distinct: 200_000 });
  });
});
