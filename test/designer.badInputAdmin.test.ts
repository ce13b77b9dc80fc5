import { expect, test } from "vitest";
import { screenshot } from "./support/browser.ts";
import { designerSession } from "./support/designerSession.ts";
import { errorNextTo, expectStaffWords } from "./support/fieldErrors.ts";

/**
 * A bad-input sweep of the users and tokens forms, the run wizard's
 * parameters and the workflow editor: each invalid value is refused with a
 * message next to its field, in words staff understand, and nothing is stored
 * (checked through the engine after each submit). Schedules and sets:
 * designer.badInput.test.ts.
 */

const designer = designerSession();

async function storedRuns(): Promise<number> {
  const rows = await designer.engine.internals.db.selectFrom("runs").select("id").execute();
  return rows.length;
}

test("the users and tokens forms refuse bad input next to each field and store nothing", async () => {
  const page = await designer.signedInPage("ada", "/admin");
  await page.getByRole("table", { name: "Users" }).waitFor();
  const users = async () => (await designer.engine.users.list()).map((user) => user.name).sort();
  const before = await users();

  const form = page.getByRole("form", { name: "New user" });
  const name = form.getByLabel("User name");
  const displayName = form.getByLabel("Display name");
  const password = form.getByLabel("Initial password");
  await form.getByRole("button", { name: "Create user" }).click();
  expect(await errorNextTo(name)).toMatch(
    /^A user name has at least 2 characters\. Use lower-case/,
  );
  expect(await errorNextTo(password)).toBe("A password has at least 10 characters");
  expect(await users()).toEqual(before);

  // Wrong characters, a display name too long, and a password too short, all at once.
  await name.fill("Lin Librarian!");
  await displayName.fill("L".repeat(201));
  await password.fill("short");
  await form.getByRole("button", { name: "Create user" }).click();
  expect(await errorNextTo(name)).toMatch(/^Use lower-case letters, digits/);
  const displayError = await errorNextTo(displayName);
  expect(displayError).toBe("At most 200 characters (got 201)");
  expect(await errorNextTo(password)).toBe("A password has at least 10 characters");
  await screenshot(page, "bad-input-new-user");
  expect(await users()).toEqual(before);

  // A taken name is the name field's problem too.
  await name.fill("sam");
  await displayName.fill("Another Sam");
  await password.fill("another-password-1");
  await form.getByRole("button", { name: "Create user" }).click();
  expect(await errorNextTo(name)).toMatch(/^A user named "sam" exists already/);
  expect(await users()).toEqual(before);

  // A new password the server refuses is shown in the dialog; the old one keeps working.
  await page
    .getByRole("row", { name: /sam/ })
    .getByRole("button", { name: "Reset password" })
    .click();
  const dialog = page.getByRole("dialog");
  const newPassword = dialog.getByLabel("New password");
  await newPassword.fill("short");
  await dialog.getByRole("button", { name: "Reset password" }).click();
  expect(await errorNextTo(newPassword)).toBe("A password has at least 10 characters");
  await screenshot(page, "bad-input-reset-password");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  // Refused, then cancelled: sam still signs in with the old password.
  await designer.signedInPage("sam");

  // Tokens: a name is required; none is stored without one.
  const tokenName = page.getByLabel("Token name");
  await page.getByRole("button", { name: "Create token" }).click();
  expect(await errorNextTo(tokenName)).toMatch(/^Name the token after what uses it/);
  expect(await designer.engine.users.listTokens()).toEqual([]);
}, 180_000);

test("the run wizard shows refused parameters next to their fields and starts nothing", async () => {
  const page = await designer.signedInPage("sam", "/run?jobId=examples.greet");
  const name = page.locator("#param-name");
  const times = page.locator("#param-times");
  await name.waitFor();

  await name.fill("");
  await times.fill("500");
  await page.getByRole("button", { name: "Next" }).click();
  expect(await errorNextTo(name)).toBe("Enter who to greet");
  const timesError = await errorNextTo(times);
  expect(timesError).toBe("Enter a whole number from 1 to 100");
  await screenshot(page, "bad-input-run-wizard");

  await name.fill("Ada");
  await times.fill("2.5");
  await page.getByRole("button", { name: "Next" }).click();
  const decimal = await errorNextTo(times);
  expect(decimal).toBe("Enter a whole number from 1 to 100");
  expectStaffWords(decimal);
  expect(await storedRuns()).toBe(0);
}, 120_000);

test("the workflow editor shows a missing name under the field and a bad step on its node, and saves nothing", async () => {
  const page = await designer.signedInPage("ada", "/workflows/new");
  await page.getByRole("button", { name: "Add Greet" }).click();
  await page.getByTestId("workflow-node-greet").waitFor();
  await page.getByRole("button", { name: "Save", exact: true }).click();

  const name = page.getByLabel("Name", { exact: true });
  expect(await errorNextTo(name)).toBe("Required");
  await expect
    .poll(() => page.getByTestId("workflow-node-greet").getAttribute("data-invalid"))
    .toBe("true");
  const issues = (await page.getByTestId("workflow-issues").textContent()) ?? "";
  expect(issues).toContain("Step Greet: ");
  expect(issues).not.toContain("nodes.");
  expectStaffWords(issues);
  await screenshot(page, "bad-input-workflow");
  expect(await designer.engine.workflows.list()).toEqual([]);
}, 120_000);
