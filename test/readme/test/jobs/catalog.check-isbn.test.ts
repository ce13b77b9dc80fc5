// test/jobs/catalog.check-isbn.test.ts
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createJobTestEnvironment } from "@docket/sdk/testing";
import { afterAll, expect, test } from "vitest";

// The union catalog, played by a local server: the job reads CATALOG_URL.
const catalog = createServer((req, res) => {
  const found = req.url === "/isbn/9780306406157";
  res.writeHead(found ? 200 : 404, { "content-type": "application/json" });
  res.end(JSON.stringify(found ? { title: "Cataloguing rules" } : {}));
});
await new Promise<void>((resolve) => catalog.listen(0, "127.0.0.1", resolve));
process.env.CATALOG_URL = `http://127.0.0.1:${(catalog.address() as AddressInfo).port}`;
afterAll(() => catalog.close());
const { default: checkIsbn } = await import("../../jobs/catalog.check-isbn.ts");

test("an ISBN the catalog knows is confirmed after an hour, which the test skips", async () => {
  await using env = await createJobTestEnvironment({ jobs: [checkIsbn] });
  const run = await env.start("catalog.check-isbn", { params: { isbn: "9780306406157" } });
  await env.clock.advance("1h"); // waits until the run is parked on its delay, then skips it
  const result = await run.result();
  expect(result).toMatchObject({ status: "completed", context: { title: "Cataloguing rules" } });
  expect(result.logs.map((line) => line.message)).toEqual(["Looking up 9780306406157"]);
  expect(await env.replay(result.id)).toMatchObject({ resumes: true });
});

test("an ISBN the catalog does not know fails the run at once, without retries", async () => {
  await using env = await createJobTestEnvironment({ jobs: [checkIsbn] });
  const result = await env.run("catalog.check-isbn", { params: { isbn: "9780000000002" } });
  expect(result).toMatchObject({
    status: "failed",
    error: { message: "ISBN 9780000000002 does not exist" },
  });
});
