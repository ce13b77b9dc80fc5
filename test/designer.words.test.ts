import { expect, test } from "vitest";
import { screenshot } from "./support/browser.ts";
import { designerSession } from "./support/designerSession.ts";
import { errorNextTo, expectStaffWords } from "./support/fieldErrors.ts";

/**
 * The designer speaks staff words: the run wizard's fields are labelled by
 * their descriptions and refused in one sentence each, built from the job's
 * schema; a run's page shows no internal identifiers or JSON; and its times
 * have one format, the viewer's. At the two widths staff use.
 */

const designer = designerSession();
const widths = [1440, 1024] as const;

/** A time as the viewer's locale writes it (en-US in the test browser), seconds and no milliseconds. */
const oneTimeFormat = /^\d{1,2}:\d{2}:\d{2}\s?[AP]M$/;

for (const width of widths) {
  test(`the run wizard refuses parameters in sentences from the schema at ${width} px`, async () => {
    const page = await designer.signedInPage("sam", "/run?jobId=examples.greet");
    await page.setViewportSize({ width, height: 900 });
    // Labels come from the job's descriptions, not its field names.
    const name = page.getByLabel("Who to greet");
    const times = page.getByLabel("How many greetings");
    await name.waitFor();

    await name.fill("");
    await times.fill("500");
    await page.getByRole("button", { name: "Next" }).click();
    expect(await errorNextTo(name)).toBe("Enter who to greet");
    expect(await errorNextTo(times)).toBe("Enter a whole number from 1 to 100");

    await name.fill("Ada");
    await times.fill("2.5");
    await page.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => page.locator("#param-name-error").count(), { timeout: 10_000 }).toBe(0);
    const decimal = await errorNextTo(times);
    expect(decimal).toBe("Enter a whole number from 1 to 100");
    expectStaffWords(decimal);
    const form = await page.locator("main").innerText();
    expect(form).not.toMatch(/params\.|Isbn|Name\b/);
    await screenshot(page, `words-run-wizard-${width}`);
    expect((await designer.engine.runs.list({ limit: 10 })).runs).toHaveLength(0);
  }, 120_000);
}

test("a run's page shows no internal identifiers and one time format, at both widths", async () => {
  const run = await designer.engine.runs.start({
    jobId: "examples.greet",
    params: { name: "Ada", times: 2 },
    createdBy: "sam",
  });
  await expect
    .poll(async () => (await designer.engine.runs.get(run.id)).status, { timeout: 60_000 })
    .toBe("completed");

  const page = await designer.signedInPage("sam", `/runs/${run.id}`);
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    const consoleLines = page.getByTestId("run-console").locator(".console__line");
    await expect.poll(() => consoleLines.count(), { timeout: 20_000 }).toBeGreaterThan(3);
    const timeline = page.getByTestId("run-timeline");
    await timeline.locator("time").first().waitFor();

    const times = [
      ...(await page.getByTestId("run-console").locator("time").allInnerTexts()),
      ...(await timeline.locator("time").allInnerTexts()),
    ];
    expect(times.length).toBeGreaterThan(3);
    for (const time of times) expect(time.trim()).toMatch(oneTimeFormat);

    const text = await page.locator("main").innerText();
    expect(text).toContain("Hello, Ada (1/2)");
    expect(text).not.toMatch(/\{"|__completed|workflow:|xstate\.|done \(/);
    // Ids stay folded away with the engine words; the parameters read as the form asked them.
    expect(text).not.toContain(run.id);
    expect(text).not.toContain("examples.greet");
    const params = page.getByTestId("run-parameters");
    await expect
      .poll(() => params.innerText())
      .toMatch(/Who to greet\s+Ada\s+How many greetings\s+2/);
    // Engine words stay folded under "Technical details" until a developer opens it.
    await expect.poll(() => page.getByText("Activations", { exact: true }).isVisible()).toBe(false);
    await page.getByText("Technical details", { exact: true }).first().waitFor();
    const kinds = await page.getByTestId("run-console").locator(".console__type").allInnerTexts();
    expect(kinds).not.toContain("transition");
    await screenshot(page, `words-run-page-${width}`);
  }
}, 150_000);
