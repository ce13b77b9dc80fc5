import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { screenshot } from "./support/browser.ts";
import { designerSession } from "./support/designerSession.ts";

/** How long a browser assertion may take to come true. */
const eventually = { timeout: 30_000, interval: 100 } as const;

const designer = designerSession({ demo: { records: 200 } });

/** Titles of the records created since `afterId`, in order. */
async function titlesAfter(afterId: string): Promise<string[]> {
  const rows = await designer.engine.internals.db
    .selectFrom("bib_records")
    .select("title")
    .where("id", ">", afterId)
    .orderBy("id")
    .execute();
  return rows.map((row) => row.title);
}

async function lastRecordId(): Promise<string> {
  const row = await designer.engine.internals.db
    .selectFrom("bib_records")
    .select((eb) => eb.fn.max("id").as("id"))
    .executeTakeFirstOrThrow();
  return String(row.id);
}

async function submitAndWaitForRun(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Submit" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect
    .poll(() => page.getByTestId("run-status").first().innerText(), eventually)
    .toMatch(/^completed/);
  return page.url().split("/").at(-1) ?? "";
}

test("staff paste a 3-row CSV into the import form and 3 records are created", async () => {
  const page = await designer.signedInPage("sam");
  const before = await lastRecordId();
  await page.goto("/run?jobId=records.import-csv");
  const csvBox = page.getByLabel("CSV text");
  // A box that keeps line breaks: an <input> would join the rows into one header line. Polled:
  // the wizard writes its step into the URL as it opens, and a read during that is retried.
  await expect
    .poll(() => csvBox.evaluate((element) => element.tagName).catch(() => null), eventually)
    .toBe("TEXTAREA");
  await csvBox.fill(
    'title,author,year\nMoby-Dick,Herman Melville,1851\n"Flatland, a Romance",Edwin Abbott,1884\nThe 12" single,Band,1984\n',
  );
  await page.getByRole("button", { name: "Next" }).click();
  await expect
    .poll(() => page.getByText("3 rows of pasted CSV").count(), eventually)
    .toBeGreaterThan(0);
  await screenshot(page, "import-review");
  const runId = await submitAndWaitForRun(page);
  expect(await titlesAfter(before)).toEqual(["Moby-Dick", "Flatland, a Romance", 'The 12" single']);
  const run = await designer.engine.runs.get(runId);
  expect(run).toMatchObject({ status: "completed", createdBy: "sam" });
  expect(run.report).toMatchObject({ processed: 3, changed: 3, failed: 0 });
  await page.close();
});

test("a CSV that cannot be read whole is refused next to its field, naming the line; nothing is stored", async () => {
  const page = await designer.signedInPage("sam");
  const runsBefore = (await designer.engine.runs.list({})).runs.length;
  await page.goto("/run?jobId=records.import-csv");
  await page.getByLabel("CSV text").fill('title,author\nOne,A\n"The 12 single,Band\nTwo,B\n');
  await page.getByRole("button", { name: "Next" }).click();
  const error = page.locator("#param-csv-error");
  await expect.poll(() => error.innerText(), eventually).toMatch(/^Line 3: .*never closed/);
  await screenshot(page, "import-refused");
  expect(await page.getByLabel("CSV text").getAttribute("aria-invalid")).toBe("true");
  expect((await designer.engine.runs.list({})).runs.length).toBe(runsBefore);
  await page.close();
});

test("staff choose a CSV file: it is uploaded, counted on review, and imported", async () => {
  const page = await designer.signedInPage("sam");
  const before = await lastRecordId();
  await page.goto("/run?jobId=records.import-csv");
  const rows = Array.from(
    { length: 250 },
    (_, i) => `Shelf book ${i + 1},Author ${i % 9},${1950 + (i % 50)}`,
  );
  await page.getByLabel("CSV file").setInputFiles({
    name: "new-books.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`\uFEFFtitle,author,year\r\n${rows.join("\r\n")}\r\n`),
  });
  await page.getByTestId("upload-status").getByText("new-books.csv").waitFor();
  await page.getByRole("button", { name: "Next" }).click();
  await expect
    .poll(() => page.getByText("250 rows from new-books.csv").count(), eventually)
    .toBeGreaterThan(0);
  await submitAndWaitForRun(page);
  const titles = await titlesAfter(before);
  expect(titles.length).toBe(250);
  expect(titles[0]).toBe("Shelf book 1");
  expect(titles.at(-1)).toBe("Shelf book 250");
  await page.close();
});
