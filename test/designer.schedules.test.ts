import { expect, test } from "vitest";
import { newPage, openBrowser, screenshot, signIn } from "./support/browser.ts";
import { startDesignerServer } from "./support/designerServer.ts";

/** expect.poll waits 1 s by default: too little on a loaded machine. */
const eventually = { timeout: 15_000 };

test("an admin schedules a job with the visual editor, previews its next runs in words, and deactivates it", async () => {
  await using server = await startDesignerServer({ demo: { records: 400 } });
  await using browser = await openBrowser();
  const page = await newPage(browser, server.url);
  await signIn(page, "ada", "ada-password-1");

  await page.goto("/schedules");
  await page.getByText("No schedules yet").waitFor();
  await page.getByRole("link", { name: "New schedule" }).click();
  await page.waitForURL("**/schedules/new");

  await page.getByLabel("Schedule name").fill("Nightly loan anonymization");
  await page.getByLabel("Job").selectOption({ label: "Anonymize old loans" });
  const setSelect = page.getByLabel("Set of loans");
  const setOption = setSelect.locator("option", { hasText: "Loans older than 2 years" });
  await setOption.waitFor({ state: "attached" });
  await setSelect.selectOption((await setOption.getAttribute("value")) ?? "");

  // A broken cron expression is refused by the API's preview, next to the field.
  await page.getByText("Custom", { exact: true }).click();
  const cron = page.getByRole("textbox", { name: "Cron expression" });
  await cron.fill("61 * * * *");
  const cronField = page.locator(".field", { has: cron });
  await cronField.locator(".field__error").waitFor();
  expect(await cronField.locator(".field__error").textContent()).toMatch(/minute|61/i);

  // Weekly on Monday at 06:30 in Berlin: the next five runs, in words, in that zone.
  await page.getByText("Weekly", { exact: true }).click();
  await page.getByLabel("On", { exact: true }).selectOption("monday");
  await page.getByLabel("At", { exact: true }).fill("06:30");
  await page.getByLabel("Time zone").fill("Europe/Berlin");
  const nextRuns = page.getByRole("list", { name: "Next runs" });
  await expect
    .poll(async () => {
      const items = await nextRuns.getByRole("listitem").allTextContents();
      return (
        items.length === 5 && items.every((text) => /^\d?Monday, .* at 06:30/.test(text.trim()))
      );
    }, eventually)
    .toBe(true);
  await page.getByText("Every Monday at 06:30").first().waitFor();

  // Parameters come from the job's schema; the server's judgement shows next to the field.
  await page.getByLabel("Anonymize returned loans older than this").fill("10");
  await page.getByLabel("Email address").fill("circulation@example.org");
  await page.getByLabel("succeeds").check();
  await page.getByRole("button", { name: "Add subscriber" }).click();
  await page.getByText("circulation@example.org").waitFor();
  await page.getByRole("button", { name: "Create schedule" }).click();
  const paramField = page.locator(".field", {
    has: page.getByLabel("Anonymize returned loans older than this"),
  });
  await paramField.locator(".field__error").waitFor();
  expect(await paramField.locator(".field__error").textContent()).toMatch(/30/);
  await page.getByLabel("Anonymize returned loans older than this").fill("730");
  // Editing the field drops its issue; the next save judges it again.
  await paramField.locator(".field__error").waitFor({ state: "detached" });
  await screenshot(page, "schedule-editor");

  await page.getByRole("button", { name: "Create schedule" }).click();
  await page.waitForURL("**/schedules?created=*");
  await page.getByText("Schedule “Nightly loan anonymization” saved").waitFor();
  const row = page.locator("tr", {
    has: page.getByRole("link", { name: "Nightly loan anonymization" }),
  });
  await row.getByText("Every Monday at 06:30 (Europe/Berlin)").waitFor();
  const toggle = row.getByRole("switch", { name: "Active: Nightly loan anonymization" });
  expect(await toggle.getAttribute("aria-checked")).toBe("true");

  const [saved] = await server.engine.schedules.list({});
  expect(saved).toMatchObject({
    name: "Nightly loan anonymization",
    jobId: "loans.anonymize",
    timezone: "Europe/Berlin",
    cron: "30 6 * * 1",
    params: { olderThanDays: 730 },
    active: true,
  });
  expect(
    await server.engine.notifications.listSubscriptions({ scheduleId: saved?.id }),
  ).toMatchObject([{ email: "circulation@example.org", onSuccess: true, onError: true }]);

  await toggle.click();
  await expect.poll(() => toggle.getAttribute("aria-checked"), eventually).toBe("false");
  await row.getByText("inactive", { exact: true }).waitFor();
  expect((await server.engine.schedules.get(saved?.id ?? "")).active).toBe(false);

  // Still inactive after a reload, and listed under Inactive.
  await page.goto("/schedules");
  await page.getByText("Inactive", { exact: true }).click();
  const inactiveRow = page.locator("tr", {
    has: page.getByRole("link", { name: "Nightly loan anonymization" }),
  });
  expect(await inactiveRow.getByRole("switch").getAttribute("aria-checked")).toBe("false");
  await screenshot(page, "schedule-list");

  // The editor opens the saved schedule as it was saved, and saves a change.
  await inactiveRow.getByRole("link", { name: "Nightly loan anonymization" }).click();
  await page.waitForURL(`**/schedules/${saved?.id}`);
  await expect
    .poll(
      () => page.getByLabel("Anonymize returned loans older than this").inputValue(),
      eventually,
    )
    .toBe("730");
  expect(await page.getByLabel("Schedule name").inputValue()).toBe("Nightly loan anonymization");
  expect(await page.getByRole("radio", { name: /Weekly/ }).isChecked()).toBe(true);
  expect(await page.getByLabel("At", { exact: true }).inputValue()).toBe("06:30");
  expect(await page.getByLabel("Time zone").inputValue()).toBe("Europe/Berlin");
  await page.getByText("circulation@example.org").waitFor();
  await page.getByText("The schedule is inactive").waitFor();
  await page.getByLabel("At", { exact: true }).fill("07:15");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("Every Monday at 07:15 (Europe/Berlin); inactive.").waitFor();
  expect((await server.engine.schedules.get(saved?.id ?? "")).cron).toBe("15 7 * * 1");

  // A viewer reads schedules but changes none.
  const viewer = await newPage(browser, server.url);
  await signIn(viewer, "vic", "vic-password-1");
  await viewer.goto("/schedules");
  const viewerRow = viewer.locator("tr", {
    has: viewer.getByRole("link", { name: "Nightly loan anonymization" }),
  });
  await viewerRow.getByText("Every Monday at 07:15 (Europe/Berlin)").waitFor();
  expect(await viewerRow.getByRole("switch").isDisabled()).toBe(true);
  expect(await viewer.getByRole("link", { name: "New schedule" }).count()).toBe(0);
  await viewerRow.getByRole("link", { name: "Nightly loan anonymization" }).click();
  await viewer.getByText("You can look at this schedule; only admins can change it.").waitFor();
  expect(await viewer.getByRole("button", { name: "Save changes" }).count()).toBe(0);
}, 240_000);
