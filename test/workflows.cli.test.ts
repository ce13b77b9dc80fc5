import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { docket, output } from "./support/docketCli.ts";
import { createTestEngine, fixtureJobsDir } from "./support/testEngine.ts";

describe("docket workflows", () => {
  it("exports a workflow to a file and imports it back identically; a malformed file exits 2 and saves nothing", async () => {
    await using t = await createTestEngine();
    const env = {
      ...process.env,
      DATABASE_URL: t.database.url,
      DOCKET_JOBS_DIR: fixtureJobsDir,
    };
    const dir = await mkdtemp(path.join(tmpdir(), "docket-workflows-"));
    try {
      const saved = await t.engine.workflows.save({
        savedBy: "admin",
        definition: {
          name: "Pair",
          nodes: [
            { id: "a", kind: "job", jobId: "fixtures.noop", params: {} },
            { id: "b", kind: "delay", durationMs: 1_000 },
          ],
          edges: [{ id: "e", from: "a", to: "b", on: "success" }],
        },
      });
      const exported = await docket(env, "workflows", "export", "Pair");
      expect(exported.code, output(exported)).toBe(0);
      const file = path.join(dir, "pair.json");
      await writeFile(file, exported.stdout);
      expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({
        format: "docket.workflow",
        id: saved.id,
        definition: { name: "Pair" },
      });

      await t.engine.workflows.delete(saved.id);
      const imported = await docket(env, "workflows", "import", file, "--json");
      expect(imported.code, output(imported)).toBe(0);
      const back = JSON.parse(imported.stdout);
      expect(back).toMatchObject({ id: saved.id, name: "Pair", version: 2 });
      expect(back.definition).toEqual(JSON.parse(JSON.stringify(saved.definition)));

      const listed = await docket(env, "workflows", "list");
      expect(listed.stdout).toMatch(/Pair\s+2\s+2\s+fixtures\.noop/);

      const broken = path.join(dir, "broken.json");
      await writeFile(broken, exported.stdout.slice(0, 40));
      const refused = await docket(env, "workflows", "import", broken);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/not valid JSON/);
      expect((await t.engine.workflows.versions(saved.id)).length).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
