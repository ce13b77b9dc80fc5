import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { designerSession } from "./support/designerSession.ts";

/** How long a browser assertion may take to come true (expect.poll waits 1 s by default). */
const eventually = { timeout: 15_000, interval: 100 } as const;

const designerJobsDir = fileURLToPath(new URL("./fixtures/designer-jobs/", import.meta.url));

// No worker: nothing here may start a run, and none would be taken.
const designer = designerSession({
  jobsDir: designerJobsDir,
  demo: { records: 200 },
  worker: false,
});

const policySelect = (page: Page) => page.getByRole("combobox", { name: /^The item policy/ });
const wizardQuery = (page: Page) => Object.fromEntries(new URL(page.url()).searchParams);

test("the run wizard keeps its step and choices in the URL: Back and Forward move through the steps, a link reopens it", async () => {
  const page = await designer.signedInPage("sam", "/run");
  await page.getByRole("heading", { name: "Select a job to run" }).waitFor();
  await page.getByText("Change item policy", { exact: true }).click();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("heading", { name: "Select a set of items" }).waitFor();
  await expect
    .poll(() => wizardQuery(page), eventually)
    .toEqual({ jobId: "items.change-policy", step: "set" });

  await page.getByLabel("All items", { exact: true }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await policySelect(page).selectOption("Short loan");
  await expect.poll(() => wizardQuery(page).step, eventually).toBe("parameters");
  const setId = wizardQuery(page).setId ?? "";
  expect(setId).toMatch(/^[0-9a-f-]{36}$/);
  expect(wizardQuery(page)).toEqual({ jobId: "items.change-policy", setId, step: "parameters" });
  await page.getByRole("button", { name: "Next" }).click();
  await expect
    .poll(() => page.getByTestId("population-size").textContent(), eventually)
    .toMatch(/[\d,]+ items now/);
  await expect.poll(() => wizardQuery(page).step, eventually).toBe("review");

  // Back: the parameters as entered; Forward: the review the dry run answered.
  await page.goBack();
  await expect.poll(() => policySelect(page).inputValue(), eventually).toBe("Short loan");
  await expect.poll(() => wizardQuery(page).step, eventually).toBe("parameters");
  await page.goForward();
  await expect
    .poll(() => page.getByTestId("population-size").textContent(), eventually)
    .toMatch(/[\d,]+ items now/);
  // Back twice: the set step with the set still chosen.
  await page.goBack();
  await policySelect(page).waitFor();
  await page.goBack();
  await page.getByRole("heading", { name: "Select a set of items" }).waitFor();
  await expect
    .poll(() => page.getByLabel("All items", { exact: true }).isChecked(), eventually)
    .toBe(true);

  // A link reopens the wizard with its choices; a review without a dry run opens at the parameters.
  const linked = await designer.signedInPage(
    "sam",
    `/run?jobId=items.change-policy&setId=${setId}&step=review`,
  );
  await policySelect(linked).waitFor();
  await expect
    .poll(() => wizardQuery(linked), eventually)
    .toEqual({ jobId: "items.change-policy", setId, step: "parameters" });
  expect(await linked.getByRole("button", { name: "Submit" }).count()).toBe(0);
  await linked.getByRole("button", { name: "Back" }).click();
  await linked.getByRole("heading", { name: "Select a set of items" }).waitFor();
  await linked.getByText(/^All items · [\d,]+ members$/).waitFor();

  expect((await designer.engine.runs.list({ limit: 10 })).runs).toHaveLength(0);
}, 120_000);
