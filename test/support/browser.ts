import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

/** Where screenshots go (gitignored): `test-artifacts/screenshots/<name>.png`. */
export const screenshotDir = fileURLToPath(
  new URL("../../test-artifacts/screenshots/", import.meta.url),
);

/** The system Chromium; browser tests never download one (`npx playwright install`). */
const chromiumPath = process.env.DOCKET_CHROMIUM ?? "/usr/bin/chromium";

/** The viewport browser tests see: the designer must read well at 1280 px. */
export const viewport = { width: 1280, height: 800 } as const;

export interface TestBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Headless Chromium for browser tests; closed with `await using`.
 *
 * @example
 * await using browser = await openBrowser();
 * const page = await newPage(browser, server.url);
 */
export async function openBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const close = () => browser.close();
  return { browser, close, [Symbol.asyncDispose]: close };
}

/**
 * A page in a fresh context (own cookies) whose relative `goto("/jobs")` go to
 * `baseUrl`. Console errors and uncaught page errors are printed, so a broken
 * page explains itself in the test output.
 */
export async function newPage(browser: TestBrowser, baseUrl: string): Promise<Page> {
  const context = await browser.browser.newContext({ baseURL: baseUrl, viewport });
  // Generous: CI machines and busy laptops stall Chromium for seconds at a time.
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`[browser] page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") console.error(`[browser] console: ${message.text()}`);
  });
  return page;
}

/**
 * Signs in through the designer's sign-in page (`/sign-in`: "User name",
 * "Password", "Sign in") and waits until the browser has left it.
 */
export async function signIn(page: Page, name: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
}

/**
 * Saves the whole page as `test-artifacts/screenshots/<name>.png`; returns its
 * path. The viewport grows to the page's height for the shot, rather than
 * Playwright's `fullPage` stitching, which paints sticky headers and sidebars
 * in the middle of tall pages.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  const size = page.viewportSize() ?? viewport;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
  try {
    await page.screenshot({ path: file });
  } finally {
    await page.setViewportSize(size);
  }
  return file;
}
