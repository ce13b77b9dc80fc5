import type { Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import { screenshot } from "./support/browser.ts";
import { designerSession } from "./support/designerSession.ts";
import { waitForStatus } from "./support/testEngine.ts";

/**
 * Flows that connect, for staff, at a wide (1440 px) and a narrow (1024 px)
 * screen: a set's page runs a job on that set (the wizard opens with the set
 * chosen and offers only jobs for its records) and the review says how long
 * the run is likely to take from the job's recent runs, which the run page
 * compares with as it goes; a logical set's values are chosen from the
 * catalog's, and one that matches nothing is flagged before it is saved;
 * workflows and schedules open read only, with a note, for staff.
 */

const eventually = { timeout: 20_000, interval: 100 } as const;
const widths = [1440, 1024] as const;
const musicSet = "Items in the Music Library";
const policyJob = "items.change-policy";

const designer = designerSession({ demo: { records: 2000, schedules: true } });

const ids = { musicSet: "", workflow: "", schedule: "" };

beforeAll(async () => {
  const { engine } = designer;
  const sets = await engine.sets.list();
  const music = sets.find((set) => set.name === musicSet);
  const [schedule] = await engine.schedules.list({});
  if (!music || !schedule) throw new Error("The demo catalog seeds example sets and schedules");
  // A few completed runs of the job: what the review's estimate is made from.
  for (const policy of ["Short loan", "Reference only", "Regular loan"]) {
    const run = await engine.runs.start({
      jobId: policyJob,
      setId: music.id,
      params: { policy },
      createdBy: "ada",
      trigger: { kind: "manual" },
    });
    await waitForStatus(engine, run.id, ["completed", "completed_with_errors"]);
  }
  const workflow = await engine.workflows.save({
    savedBy: "ada",
    definition: {
      name: "Greet the stacks",
      nodes: [{ id: "greet", kind: "job", jobId: "examples.greet", params: { name: "Stacks" } }],
      edges: [],
    },
  });
  Object.assign(ids, { musicSet: music.id, workflow: workflow.id, schedule: schedule.id });
}, 120_000);

async function staffPage(width: number, path: string): Promise<Page> {
  const page = await designer.signedInPage("sam");
  await page.setViewportSize({ width, height: 900 });
  await page.goto(path);
  return page;
}

for (const width of widths) {
  test(`a set's page runs a job on that set, and the review says how long it is likely to take (${width} px)`, async () => {
    const { engine } = designer;
    const page = await staffPage(width, "/sets");
    await page.getByRole("link", { name: musicSet }).click();
    await page.getByRole("link", { name: "Run a job on this set" }).click();
    await page.waitForURL((url) => url.pathname === "/run");
    expect(new URL(page.url()).searchParams.get("setId")).toBe(ids.musicSet);

    // Only jobs acting on items are offered, for this set.
    const forSet = page.getByTestId("jobs-for-set");
    await forSet.getByText(musicSet).waitFor();
    const jobs = page.getByRole("radio");
    await expect.poll(() => jobs.count(), eventually).toBeGreaterThan(0);
    const offered = await page.locator(".choice .tag").allInnerTexts();
    expect(new Set(offered)).toEqual(new Set(["runs on items"]));
    expect(await page.getByText("Greet someone").count()).toBe(0);
    await screenshot(page, `flows-jobs-for-set-${width}`);

    // The job, then the set step with the set already chosen.
    await page.getByRole("radio", { name: /Change item policy/ }).check();
    await page.getByRole("button", { name: "Next" }).click();
    const setRadio = page.getByRole("radio", { name: musicSet });
    await expect.poll(() => setRadio.isChecked(), eventually).toBe(true);
    await page.getByRole("button", { name: "Next" }).click();
    await page
      .getByRole("region", { name: /^Parameters of/ })
      .getByRole("combobox")
      .selectOption("Short loan");
    await page.getByRole("button", { name: "Next" }).click();

    // The review: how long, from this job's recent runs and the population.
    const population = Number(
      (await page.getByTestId("population-size").innerText()).replace(/\D/g, ""),
    );
    const estimate = await engine.runs.estimateDuration({ jobId: policyJob, population });
    if (estimate.kind !== "estimate") throw new Error("The job has completed runs to go by");
    const shown = page.getByTestId("run-estimate");
    await expect
      .poll(() => shown.innerText(), eventually)
      .toMatch(
        new RegExp(
          `^(About \\d+ minutes?|About an? \\w+|Less than a minute) for ${population.toLocaleString("en-US")} items, from the last ${estimate.fromRuns} runs\\.$`,
        ),
      );
    await screenshot(page, `flows-review-estimate-${width}`);

    // Started, the run page compares the run with what was expected.
    await page.getByRole("button", { name: "Submit" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split("/").at(-1) ?? "";
    const run = await engine.runs.get(runId);
    expect(run).toMatchObject({ setId: ids.musicSet, jobId: policyJob, createdBy: "sam" });
    await waitForStatus(engine, runId, ["completed", "completed_with_errors"]);
    const expected = page.getByTestId("expected-duration");
    await expect
      .poll(() => expected.innerText(), eventually)
      .toMatch(
        /^Expected (about .+|less than a minute); it took (less than a second|\d+ (second|seconds|minute|minutes))\. From the last \d+ runs of this job\.$/,
      );
    await screenshot(page, `flows-run-expected-${width}`);
  }, 180_000);

  test(`a logical set's values come from the catalog, and one matching nothing is flagged before saving (${width} px)`, async () => {
    const { engine } = designer;
    const page = await staffPage(width, "/sets");
    const name = `Reserve items ${width}`;
    await page.getByRole("tab", { name: "Logical (filter)" }).click();
    await page.getByLabel("Set name", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Add condition" }).click();
    await page.getByLabel("Field of condition 1").selectOption("location");
    const value = page.getByRole("combobox", { name: "Value of condition 1" });

    // Suggestions: the locations items hold, with how many hold each, narrowed as one types.
    await value.fill("re");
    const options = page
      .getByRole("listbox", { name: "Values in the catalog" })
      .getByRole("option");
    const catalog = await engine.sets.fieldValues({
      target: "items",
      field: "location",
      prefix: "re",
      limit: 8,
    });
    expect(catalog.values.map((v) => v.value).sort()).toEqual(["Reference", "Reserve"]);
    await expect
      .poll(() => options.allTextContents(), eventually)
      .toEqual(catalog.values.map((v) => `${v.value}${v.count.toLocaleString("en-US")} records`));
    expect(await value.getAttribute("aria-expanded")).toBe("true");
    await screenshot(page, `flows-value-suggestions-${width}`);

    // A typo is flagged at its condition, with the value meant when only the case differs.
    // Not while it is being typed ("re" above is on its way to a value): once the reader leaves it.
    expect(await page.getByText("No item has location").count()).toBe(0);
    await value.fill("stacks");
    await value.press("Tab");
    const flag = page.getByText("No item has location “stacks”. Did you mean “Stacks”?");
    await flag.waitFor();
    await value.fill("Stacks 9");
    await value.press("Tab");
    await page.getByText("No item has location “Stacks 9”.", { exact: true }).waitFor();
    await page.getByRole("status").filter({ hasText: "0 items match now" }).waitFor();
    await screenshot(page, `flows-value-unmatched-${width}`);

    // Saving asks first; cancelled, nothing is saved.
    await page.getByRole("button", { name: "Save logical set" }).click();
    const dialog = page.getByRole("dialog", { name: "Save with values that match nothing?" });
    await dialog.getByText("No item has location “Stacks 9”.").waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect((await engine.sets.list()).map((set) => set.name)).not.toContain(name);

    // Chosen from the list, the value matches and the set saves at once, without asking.
    await value.fill("Reser");
    await options.filter({ hasText: "Reserve" }).click();
    expect(await value.inputValue()).toBe("Reserve");
    await page.getByRole("button", { name: "Save logical set" }).click();
    await page.getByText(`Saved “${name}”.`).waitFor();
    const saved = (await engine.sets.list()).find((set) => set.name === name);
    expect(saved?.filter).toEqual({
      all: [{ field: "location", op: "eq", value: "Reserve" }],
    });
  }, 120_000);

  test(`staff open workflows and schedules read only, told so up front (${width} px)`, async () => {
    const page = await staffPage(width, `/workflows/${ids.workflow}`);
    const note = page.getByTestId("workflow-read-only");
    await note.waitFor();
    expect(await note.innerText()).toContain(
      "You can look at this workflow and run it; only admins can change it.",
    );
    // Nothing to save: no palette, no Save, no Delete; Run now stays.
    expect(await page.getByRole("button", { name: /^Save/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Delete" }).count()).toBe(0);
    await page.getByRole("button", { name: "Run now" }).waitFor();
    await screenshot(page, `flows-workflow-read-only-${width}`);

    await page.goto("/workflows/new");
    await page.getByText("Only admins create workflows").waitFor();
    expect(await page.getByTestId("workflow-canvas").count()).toBe(0);

    await page.goto(`/schedules/${ids.schedule}`);
    await page
      .getByTestId("schedule-read-only")
      .getByText("You can look at this schedule; only admins can change it.")
      .waitFor();
    expect(await page.getByRole("button", { name: "Save changes" }).count()).toBe(0);
    await screenshot(page, `flows-schedule-read-only-${width}`);

    await page.goto("/schedules/new");
    await page.getByText("Only admins create schedules").waitFor();
    expect(await page.getByRole("button", { name: "Create schedule" }).count()).toBe(0);
    await screenshot(page, `flows-schedule-new-staff-${width}`);

    // An admin still gets the editors.
    const admin = await designer.signedInPage("ada", `/workflows/${ids.workflow}`);
    await admin.getByRole("button", { name: "Delete" }).waitFor();
    expect(await admin.getByTestId("workflow-read-only").count()).toBe(0);
    await admin.goto("/schedules/new");
    await admin.getByRole("button", { name: "Create schedule" }).waitFor();
  }, 120_000);
}
