import { fileURLToPath } from "node:url";
import { loadJobRegistry } from "@docket/engine/testing";
import { InvalidJobDefinitionError } from "@docket/sdk";
import { describe, expect, it } from "vitest";

const dir = (name: string) =>
  fileURLToPath(new URL(`./fixtures/registry/${name}/`, import.meta.url));

describe("job registry", () => {
  it("registers every defineJob default export and ignores other files", async () => {
    const registry = await loadJobRegistry(dir("ok"));
    expect(registry.list().map((job) => job.id)).toEqual(["alpha.one"]);
    expect(registry.get("alpha.one").file).toBe(`${dir("ok")}alpha.one.ts`);
  });

  it("stops on duplicate ids, naming both files", async () => {
    const loading = loadJobRegistry(dir("duplicate"));
    await expect(loading).rejects.toBeInstanceOf(InvalidJobDefinitionError);
    await expect(loading).rejects.toThrow(
      `Duplicate job id "alpha.one": defined in ${dir("duplicate")}alpha.one.ts and in ${dir("duplicate")}alpha.two.ts.`,
    );
  });

  it("stops on an id that differs from its file name, naming both", async () => {
    await expect(loadJobRegistry(dir("mismatch"))).rejects.toThrow(
      `Job id "beta.renamed" does not match its file ${dir("mismatch")}beta.original.ts: rename the file to beta.renamed.ts or the id to "beta.original".`,
    );
  });

  it("reports a missing jobs directory clearly", async () => {
    await expect(loadJobRegistry("/nonexistent/jobs")).rejects.toThrow(
      /Cannot read the jobs directory \/nonexistent\/jobs/,
    );
  });
});
