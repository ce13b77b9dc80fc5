import { expect, test } from "vitest";
import { screenshot } from "./support/browser.ts";
import { designerSession } from "./support/designerSession.ts";
import { errorNextTo, expectStaffWords } from "./support/fieldErrors.ts";

/**
 * A bad-input sweep of the schedule editor (with its subscribers) and the set
 * forms: each invalid value is refused with a message next to its field, in
 * words staff understand, and nothing is stored (checked through the engine
 * after each submit). Users, tokens, the run wizard and workflows:
 * designer.badInputAdmin.test.ts.
 */

const designer = designerSession({ demo: { records: 300 } });

async function storedSubscriptions(): Promise<string[]> {
  const rows = await designer.engine.notifications.listSubscriptions();
  return rows.map((row) => row.email).sort();
}

test("the schedule editor refuses bad input next to each field, subscribers included, and stores nothing until all of it is valid", async () => {
  const page = await designer.signedInPage("ada");
  // A set that will be deleted while the editor has it chosen.
  const doomed = await designer.engine.sets.createLogical({
    name: "Loans to be deleted",
    target: "loans",
    filter: { all: [] },
    createdBy: "ada",
  });

  await page.goto("/schedules/new");
  const name = page.getByLabel("Schedule name");
  const job = page.getByLabel("Job", { exact: true });
  await job.locator("option", { hasText: "Anonymize old loans" }).waitFor({ state: "attached" });

  // Nothing filled in: the name and the job say what they need.
  await page.getByRole("button", { name: "Create schedule" }).click();
  expect(await errorNextTo(name)).toBe("Give the schedule a name, e.g. Nightly loan anonymization");
  expect(await errorNextTo(job)).toBe("Choose the job it starts");
  expect(await designer.engine.schedules.list()).toEqual([]);

  // Several bad values at once: each is named next to its own field.
  await name.fill("Nightly anonymization");
  await job.selectOption({ label: "Anonymize old loans" });
  const setSelect = page.getByLabel("Set of loans");
  const doomedOption = setSelect.locator("option", { hasText: "Loans to be deleted" });
  await doomedOption.waitFor({ state: "attached" });
  await setSelect.selectOption(doomed.id);
  await designer.engine.sets.delete(doomed.id);
  await page.getByLabel("Time zone").fill("Mars/Olympus");
  const days = page.getByLabel("Anonymize returned loans older than this");
  await days.fill("5");
  const email = page.getByLabel("Email address");
  const addSubscriber = async (address: string) => {
    await email.fill(address);
    await page.getByRole("button", { name: "Add subscriber" }).click();
  };
  await page.getByLabel("succeeds").check();
  await addSubscriber("circulation@example.org");
  await addSubscriber("ana@example");
  // Typed but not added: saved with the schedule, so judged with it too.
  await email.fill("not an address");
  await page.getByRole("button", { name: "Create schedule" }).click();

  const subscribers = page.getByRole("list", { name: "Subscribers" });
  const badRow = subscribers.getByRole("listitem").filter({ hasText: "ana@example" });
  await badRow.locator(".field__error").waitFor();
  expect(await badRow.locator(".field__error").textContent()).toBe(
    "Enter an email address, e.g. ana@example.org",
  );
  expect(
    await subscribers
      .getByRole("listitem")
      .filter({ hasText: "circulation@example.org" })
      .locator(".field__error")
      .count(),
  ).toBe(0);
  expect(await errorNextTo(email)).toBe("Enter an email address, e.g. ana@example.org");
  expect(await errorNextTo(page.getByLabel("Time zone"))).toMatch(/Mars\/Olympus/);
  const daysError = await errorNextTo(days);
  expect(daysError).toMatch(/30/);
  expectStaffWords(daysError);
  expect(await errorNextTo(setSelect)).toBe(
    "No such set (it may have been deleted): choose another",
  );
  await page.getByRole("alert").filter({ hasText: "The schedule was not saved" }).waitFor();
  await screenshot(page, "bad-input-schedule");
  expect(await designer.engine.schedules.list()).toEqual([]);
  expect(await storedSubscriptions()).toEqual([]);

  // Corrected: the schedule and its subscribers are saved together.
  const oldLoans = setSelect.locator("option", { hasText: "Loans older than 2 years" });
  await setSelect.selectOption((await oldLoans.getAttribute("value")) ?? "");
  await page.getByLabel("Time zone").fill("Europe/Berlin");
  await days.fill("730");
  await page.getByRole("button", { name: "Remove ana@example" }).click();
  await email.fill("systems@example.org");
  await page.getByRole("button", { name: "Create schedule" }).click();
  await page.waitForURL("**/schedules?created=*");
  const [saved] = await designer.engine.schedules.list();
  expect(saved).toMatchObject({ name: "Nightly anonymization", params: { olderThanDays: 730 } });
  expect(await storedSubscriptions()).toEqual(["circulation@example.org", "systems@example.org"]);

  // Editing: a bad subscriber and an emptied name refuse the whole save.
  await page.goto(`/schedules/${saved?.id}`);
  await subscribers.getByText("circulation@example.org").waitFor();
  await page.getByRole("button", { name: "Remove circulation@example.org" }).click();
  await addSubscriber("bad@@example.org");
  await name.fill("");
  await page.getByRole("button", { name: "Save changes" }).click();
  const badEdit = subscribers.getByRole("listitem").filter({ hasText: "bad@@example.org" });
  await badEdit.locator(".field__error").waitFor();
  expect(await errorNextTo(name)).toMatch(/Give the schedule a name/);
  await screenshot(page, "bad-input-schedule-edit");
  expect((await designer.engine.schedules.get(saved?.id ?? "")).name).toBe("Nightly anonymization");
  expect(await storedSubscriptions()).toEqual(["circulation@example.org", "systems@example.org"]);

  // Fixed: the removal and the new name are stored together.
  await page.getByRole("button", { name: "Remove bad@@example.org" }).click();
  await name.fill("Nightly loan anonymization");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
  expect((await designer.engine.schedules.get(saved?.id ?? "")).name).toBe(
    "Nightly loan anonymization",
  );
  expect(await storedSubscriptions()).toEqual(["systems@example.org"]);
}, 240_000);

test("the set forms refuse bad input next to each field and store nothing", async () => {
  const page = await designer.signedInPage("sam", "/sets");
  await page.getByRole("table", { name: "Sets" }).waitFor();
  const setNames = async () => (await designer.engine.sets.list()).map((set) => set.name).sort();
  const before = await setNames();

  // Itemized: no name; then a name taken; then an id that can never be a record's.
  const name = page.getByLabel("Set name", { exact: true });
  await page.getByRole("button", { name: "Create set" }).click();
  expect(await errorNextTo(name)).toBe("Give the set a name.");
  const [item] = await designer.engine.internals.db
    .selectFrom("items")
    .select("barcode")
    .orderBy("id")
    .limit(1)
    .execute();
  await name.fill("All items");
  await page.getByLabel("Barcodes", { exact: true }).fill(item?.barcode ?? "");
  await page.getByRole("button", { name: "Create set" }).click();
  expect(await errorNextTo(name)).toMatch(/^A set named "All items" already exists/);

  await name.fill("Two records");
  await page.getByLabel("Records", { exact: true }).selectOption("records");
  const ids = page.getByLabel("Record ids", { exact: true });
  await ids.fill("1\nabc\n999999");
  await page.getByRole("button", { name: "Create set" }).click();
  const idsError = await errorNextTo(ids);
  expect(idsError).toContain('"abc" is not a record id: ids are whole numbers');
  expect(idsError).toContain("No record has the id 999999");
  expect(idsError).toMatch(/^2 entries match nothing, so the set was not saved/);
  await page.getByRole("button", { name: "Save without these 2" }).waitFor();
  await screenshot(page, "bad-input-itemized-set");
  expect(await setNames()).toEqual(before);

  // Logical: a condition whose value is not a number, shown next to that condition.
  await page.getByRole("tab", { name: "Logical (filter)" }).click();
  const logicalName = page.getByLabel("Set name", { exact: true });
  await page.getByRole("button", { name: "Save logical set" }).click();
  expect(await errorNextTo(logicalName)).toBe("Give the set a name.");
  await logicalName.fill("Old records");
  await page.getByLabel("Records", { exact: true }).selectOption("records");
  await page.getByRole("button", { name: "Add condition" }).click();
  await page.getByLabel("Field of condition 1").selectOption("year");
  await page.getByLabel("Operator of condition 1").selectOption("lt");
  const value = page.getByLabel("Value of condition 1");
  await value.fill("long ago");
  await page.getByRole("button", { name: "Save logical set" }).click();
  const conditionError = await errorNextTo(value);
  expect(conditionError).toBe('Expected a number, got text "long ago"');
  await screenshot(page, "bad-input-logical-set");
  expect(await setNames()).toEqual(before);

  // Corrected, it saves.
  await value.fill("1950");
  await page.getByRole("button", { name: "Save logical set" }).click();
  await page.getByText("Saved “Old records”.").waitFor();
  expect(await setNames()).toEqual([...before, "Old records"].sort());
}, 180_000);
