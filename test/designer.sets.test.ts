import { expect, test } from "vitest";
import { screenshot } from "./support/browser.ts";
import { designerSession } from "./support/designerSession.ts";

/** How long a browser assertion may take to come true (expect.poll waits 1 s by default). */
const eventually = { timeout: 15_000, interval: 100 } as const;

const designer = designerSession({ demo: { records: 300 } });

test("staff make an itemized set from pasted barcodes and a logical one with a live count, and page through members", async () => {
  const page = await designer.page();

  // Anonymous readers are sent to sign in, and come back afterwards.
  await page.goto("/sets");
  await page.waitForURL(/\/sign-in\?next=%2Fsets$/);
  await screenshot(page, "sign-in");
  await page.getByLabel("User name").fill("sam");
  await page.getByLabel("Password", { exact: true }).fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "do not match" }).waitFor();
  await page.getByLabel("Password", { exact: true }).fill("sam-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/sets$/);
  await page.getByRole("table", { name: "Sets" }).waitFor();

  const items = await designer.engine.internals.db
    .selectFrom("items")
    .select("barcode")
    .orderBy("id")
    .limit(60)
    .execute();
  await page.getByLabel("Set name", { exact: true }).fill("Bay 12 shelf read");
  await page
    .getByLabel("Barcodes", { exact: true })
    .fill([...items.map((row) => row.barcode), "NOT-A-BARCODE"].join("\n"));
  await page.getByRole("button", { name: "Create set" }).click();
  // All or nothing: the barcode that matches nothing is named next to the list, and nothing is saved…
  const barcodesField = page.locator(".field", {
    has: page.getByLabel("Barcodes", { exact: true }),
  });
  await barcodesField
    .locator(".field__error")
    .filter({ hasText: 'No item has the barcode "NOT-A-BARCODE"' })
    .waitFor();
  expect((await designer.engine.sets.list()).map((set) => set.name)).not.toContain(
    "Bay 12 shelf read",
  );
  // …until leaving it out is chosen.
  await page.getByRole("button", { name: "Save without it" }).click();
  await page
    .getByText("Left out, as you chose: 1 entry that matches nothing (NOT-A-BARCODE).")
    .waitFor();
  const row = page.getByRole("row", { name: /Bay 12 shelf read/ });
  await row.waitFor();
  expect(await row.innerText()).toContain("60");

  // Logical: a filter with a live count, checked against the catalog.
  await page.getByRole("tab", { name: "Logical (filter)" }).click();
  await page.getByLabel("Set name", { exact: true }).fill("Music Library items");
  await page.getByRole("button", { name: "Add condition" }).click();
  await page.getByLabel("Field of condition 1").selectOption("library");
  await page.getByLabel("Value of condition 1").fill("Music Library");
  const expected = await designer.engine.sets.countFilter({
    target: "items",
    filter: { all: [{ field: "library", op: "eq", value: "Music Library" }] },
  });
  await page
    .getByRole("status")
    .filter({ hasText: `${expected.toLocaleString("en-US")} items match now` })
    .waitFor();
  await screenshot(page, "sets");
  await page.getByRole("button", { name: "Save logical set" }).click();
  await page.getByRole("link", { name: "Music Library items" }).click();

  // Members, a keyset page of 50 at a time.
  await page.getByRole("table", { name: "Members" }).waitFor();
  const members = page.getByRole("table", { name: "Members" }).locator("tbody tr");
  expect(await members.count()).toBe(Math.min(50, expected));
  if (expected > 50) {
    await page.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => members.count(), eventually).toBe(Math.min(50, expected - 50));
  }
  await screenshot(page, "set-members");
}, 180_000);

test("admins create users and API tokens, shown once and revocable", async () => {
  const page = await designer.signedInPage("ada");
  await page.getByRole("link", { name: "Admin" }).click();
  await page.getByRole("table", { name: "Users" }).waitFor();

  await page.getByLabel("User name").fill("lin");
  await page.getByLabel("Display name").fill("Lin Librarian");
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByLabel("Initial password").fill("lin-password-1");
  await page.getByRole("button", { name: "Create user" }).click();
  await page.getByText("Created lin.").waitFor();
  await page.getByLabel("Role of lin").selectOption("staff");
  await page.getByText("lin is now staff.").waitFor();
  expect((await designer.engine.users.get("lin")).role).toBe("staff");

  await page.getByLabel("Token name").fill("nightly export script");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = await page.getByTestId("token-secret").innerText();
  expect(secret.length).toBeGreaterThan(20);
  await screenshot(page, "admin");
  // The secret works as a bearer token until revoked.
  const asToken = (token: string) =>
    fetch(`${designer.server.url}/api/trpc/auth.me`, {
      headers: { authorization: `Bearer ${token}` },
    });
  expect((await asToken(secret)).status).toBe(200);
  await page.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
  await page.getByText("revoked", { exact: true }).waitFor();
  expect((await asToken(secret)).status).toBe(401);

  // A session that ends while a page is open sends the reader to sign in, saying why, and back.
  await designer.engine.internals.db.deleteFrom("sessions").execute();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sets" }).click();
  await page.waitForURL(/\/sign-in\?next=%2Fsets&ended=1$/);
  await page.getByRole("status").filter({ hasText: "Your session has ended" }).waitFor();
  await page.getByLabel("User name").fill("ada");
  await page.getByLabel("Password", { exact: true }).fill("ada-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/sets$/);

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in$/);
  await page.goto("/admin");
  await page.waitForURL(/\/sign-in\?next=%2Fadmin$/);
}, 180_000);
