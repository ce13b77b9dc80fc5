import type { Engine } from "@docket/engine";
import type { Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { newPage, openBrowser, signIn, type TestBrowser } from "./browser.ts";
import {
  type DesignerServer,
  type DesignerServerOptions,
  startDesignerServer,
} from "./designerServer.ts";

export interface DesignerSession {
  /** The file's server (its engine, database and users), from `beforeAll` on. */
  readonly server: DesignerServer;
  /** The server's engine, to arrange and check what the pages show and store. */
  readonly engine: Engine;
  /** The file's browser, from `beforeAll` on. */
  readonly browser: TestBrowser;
  /** A fresh page (own cookies) on the server, signed in as no one. */
  page(): Promise<Page>;
  /** Signs `page` in as `userName`, one of the server's users, with their password. */
  signIn(page: Page, userName: string): Promise<void>;
  /** A fresh page signed in as `userName`, then at `path` if given. */
  signedInPage(userName: string, path?: string): Promise<Page>;
}

/**
 * One designer server and one browser for all the tests of a file: started
 * before the first test, stopped after the last. One per file, called at its
 * top level: Next does not survive a second instance in the same process.
 *
 * @example
 * const designer = designerSession({ demo: { records: 200 } });
 * test("…", async () => {
 *   const page = await designer.signedInPage("sam");
 * });
 */
export function designerSession(options: DesignerServerOptions = {}): DesignerSession {
  let server: DesignerServer | undefined;
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    server = await startDesignerServer(options);
    browser = await openBrowser();
  }, 200_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("The designer session starts in beforeAll");
    return value;
  };
  const session: DesignerSession = {
    get server() {
      return started(server);
    },
    get engine() {
      return started(server).engine;
    },
    get browser() {
      return started(browser);
    },
    page: () => newPage(session.browser, session.server.url),
    async signIn(page, userName) {
      const user = session.server.users.find((candidate) => candidate.name === userName);
      if (!user) throw new Error(`The designer server has no user "${userName}"`);
      await signIn(page, user.name, user.password);
    },
    async signedInPage(userName, path) {
      const page = await session.page();
      await session.signIn(page, userName);
      if (path !== undefined) await page.goto(path);
      return page;
    },
  };
  return session;
}
