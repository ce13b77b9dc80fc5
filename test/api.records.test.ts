import { createApiContext, createCaller } from "@docket/api";
import { describe, expect, it } from "vitest";
import { startApiServer } from "./support/apiServer.ts";
import { insertSet } from "./support/catalogFixture.ts";
import { engineWithSetOf } from "./support/setEngine.ts";
import { waitForStatus } from "./support/testEngine.ts";

describe("api: runs on sets", () => {
  it("starts a run on a set, lists its failed records, restores it, and serves its files", async () => {
    await using t = await engineWithSetOf(400, "items", { withdrawnEvery: 100 });
    const url = t.database.url;
    const items = t.setId;
    const records = await insertSet(url, { name: "Records", target: "records", members: 200 });
    const api = createCaller(
      createApiContext(t.engine, { name: "ana", role: "staff", institution: "main" }),
    );
    await using _worker = await t.engine.startWorker();
    await using server = await startApiServer(t.engine);

    const catalog = await api.jobs.list();
    expect(catalog.map((job) => job.id)).not.toContain("docket.restore");
    expect(catalog.find((job) => job.id === "docket.purge-history")).toMatchObject({
      builtIn: true,
      internal: false,
    });
    expect(
      (await api.jobs.list({ includeInternal: true })).find((job) => job.id === "docket.restore"),
    ).toMatchObject({ builtIn: true, internal: true });

    const run = await api.runs.start({
      jobId: "items.change-policy",
      params: { policy: "Short loan" },
      setId: items,
    });
    expect(run).toMatchObject({ setId: items, target: "items" });
    const ended = await waitForStatus(t.engine, run.id, [
      "completed",
      "completed_with_errors",
      "failed",
    ]);
    expect(ended.status).toBe("completed_with_errors");
    const failed = await api.runs.records({ id: run.id, outcomes: ["failed"], limit: 3 });
    expect(failed.records).toEqual(
      [100, 200, 300].map((id) => ({
        memberId: String(id),
        outcome: "failed",
        reason: `Item B${id} is withdrawn; its policy cannot change`,
      })),
    );
    const rest = await api.runs.records({
      id: run.id,
      outcomes: ["failed"],
      cursor: failed.nextCursor!,
    });
    expect(rest.records.map((r) => r.memberId)).toEqual(["400"]);

    const restore = await api.runs.restore({ id: run.id });
    expect(restore.restoresRunId).toBe(run.id);
    expect(
      (await waitForStatus(t.engine, restore.id, ["completed", "completed_with_errors", "failed"]))
        .report,
    ).toMatchObject({ changed: 396 });
    const again = await api.runs
      .restore({ id: run.id })
      .catch((error: { code: string; message: string }) => error);
    expect(again).toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(
        new RegExp(
          `^This run was already restored by run ${restore.id.slice(0, 8)} on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC\\.`,
        ),
      ),
    });

    const exported = await api.runs.start({
      jobId: "records.export-csv",
      params: { includeSubjects: false },
      setId: records,
    });
    await waitForStatus(t.engine, exported.id, ["completed"]);
    const files = await api.runs.files({ id: exported.id });
    expect(files).toEqual([
      { name: "records.csv", url: `/api/runs/${exported.id}/files/records.csv` },
    ]);
    const origin = server.url.replace(/\/api\/trpc$/, "");
    // Anonymous downloads are refused; the creator's (here an admin's) token is needed.
    expect((await fetch(`${origin}${files[0]!.url}`)).status).toBe(401);
    const download = await fetch(`${origin}${files[0]!.url}`, { headers: server.authHeaders });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = (await download.text()).trimEnd().split("\r\n");
    expect(lines).toHaveLength(201);
    expect(lines[0]).toBe("id,title,author,year,subjects");
    expect(lines[200]).toBe('200,  Title 200 /,"Author 200,",1980,');
    const authed = { headers: server.authHeaders };
    expect((await fetch(`${origin}/api/runs/${exported.id}/files/nope.csv`, authed)).status).toBe(
      404,
    );
    expect((await fetch(`${origin}/api/runs/not-a-run/files/records.csv`, authed)).status).toBe(
      404,
    );

    const wrongSet = await api.runs
      .start({ jobId: "items.change-policy", params: { policy: "Short loan" }, setId: records })
      .catch((e: { code: string; data?: unknown }) => e);
    expect(wrongSet).toMatchObject({ code: "BAD_REQUEST" });
    const noSet = await api.runs
      .start({ jobId: "items.change-policy", params: { policy: "Short loan" } })
      .catch((e: { code: string; message: string }) => e);
    expect(noSet).toMatchObject({
      code: "BAD_REQUEST",
      message: 'Job "items.change-policy" runs on a set of items: choose one.',
    });
  });
});
