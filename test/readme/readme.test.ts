import { readFile } from "node:fs/promises";
import { expect, test } from "vitest";

const read = (relative: string) => readFile(new URL(relative, import.meta.url), "utf8");

// The README's first job and its test are these files, run by `npm test`: the README stays true.
test("the README shows the first job and its test exactly as they are tested", async () => {
  const readme = await read("../../README.md");
  for (const file of ["jobs/catalog.check-isbn.ts", "test/jobs/catalog.check-isbn.test.ts"]) {
    const text = await read(file);
    expect(readme, `README.md should show ${file} as it is`).toContain(`\`\`\`ts\n${text}\`\`\`\n`);
  }
});
