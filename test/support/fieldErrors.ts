import type { Locator } from "playwright-core";
import { expect } from "vitest";

/** The message under the field holding `control`, once it shows. */
export async function errorNextTo(control: Locator): Promise<string> {
  // The nearest element of class "field" around the control: its label, hint and error.
  const field = control.locator(
    "xpath=ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' field ')][1]",
  );
  const error = field.locator(".field__error");
  await error.first().waitFor();
  return (await error.allTextContents()).join(" ");
}

/** No validator wording (zod's defaults) reaches staff. */
export function expectStaffWords(message: string): void {
  expect(message).not.toMatch(/Too (small|big)|expected (string|number|int)|Invalid input|>=|<=/);
}
