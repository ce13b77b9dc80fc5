import type { Page } from "playwright-core";
import { afterAll, expect, test } from "vitest";
import { screenshot } from "./support/browser.ts";
import { type ChildWorker, spawnWorker } from "./support/childWorker.ts";
import { designerSession } from "./support/designerSession.ts";
import { fixtureJobsDir } from "./support/fixtureJobsDir.ts";
import { waitForStatus } from "./support/testEngine.ts";

/** How long a browser assertion may take to come true. */
const eventually = { timeout: 30_000, interval: 200 } as const;
/** A killed worker is lost after 25 s of silence (at most 5 s after its last heartbeat) and the page reads every 2 s: shown within 30 s of the kill. */
const lostWithin = { timeout: 30_000, interval: 500 } as const;

// No worker in the server's process: the two worker processes below are the only ones.
const designer = designerSession({ jobsDir: fixtureJobsDir, worker: false });
const children: ChildWorker[] = [];

afterAll(async () => {
  for (const child of children) {
    child.process.kill("SIGKILL");
    await child.exited;
  }
});

/** Each worker row of the page: its id, state and slots text. */
async function workerRows(page: Page) {
  return page.getByTestId("worker-row").evaluateAll((rows) =>
    rows.map((row) => ({
      id: row.getAttribute("data-worker-id"),
      state: row.querySelector("[data-testid=worker-state]")?.textContent,
      slots: row.querySelector("[data-testid=worker-slots]")?.textContent,
    })),
  );
}

test("the Workers page shows two live worker processes with their slots, and a killed one as lost", async () => {
  const page = await designer.signedInPage("vic");
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Workers" })
    .click();
  await page.getByRole("heading", { level: 1, name: "Workers" }).waitFor();
  await expect.poll(() => page.getByText("No worker has started yet").count(), eventually).toBe(1);
  await expect.poll(() => page.getByText("docket worker", { exact: true }).count()).toBe(1);
  await screenshot(page, "workers-none");

  for (let index = 0; index < 2; index++) children.push(spawnWorker(designer.server.database.url));
  const ids = await Promise.all(children.map((child) => child.ready));
  // A run fills one slot of whichever worker takes it.
  const run = await designer.engine.runs.start({
    jobId: "fixtures.blocking",
    params: {},
    createdBy: "ada",
    trigger: { kind: "manual" },
  });
  const holderId = (await waitForStatus(designer.engine, run.id, ["running"])).workerId;
  expect(ids).toContain(holderId);
  const [idleId] = ids.filter((id) => id !== holderId);
  await expect
    .poll(
      async () => (await workerRows(page)).sort((a, b) => String(a.id).localeCompare(String(b.id))),
      eventually,
    )
    .toEqual(
      [
        { id: holderId, state: "alive", slots: "1 / 10 (10%)" },
        { id: idleId, state: "alive", slots: "0 / 10 (0%)" },
      ].sort((a, b) => String(a.id).localeCompare(String(b.id))),
    );
  expect(await page.getByTestId("lost-workers").count()).toBe(0);
  await screenshot(page, "workers-two-alive");

  // The run's page names the worker holding it.
  const runPage = await designer.signedInPage("vic", `/runs/${run.id}`);
  const holder = children[ids.indexOf(holderId ?? "")];
  await expect
    .poll(() => runPage.getByTestId("run-worker").textContent(), eventually)
    .toMatch(new RegExp(`pid ${holder?.process.pid}\\s+alive`, "i"));
  await screenshot(runPage, "workers-run-page");

  // Killed without stopping: no heartbeat, no stop. Shown as lost within 30 s of the kill.
  holder?.process.kill("SIGKILL");
  await holder?.exited;
  await expect
    .poll(
      async () => (await workerRows(page)).find((row) => row.id === holderId)?.state,
      lostWithin,
    )
    .toBe("lost");
  const rows = await workerRows(page);
  // What it held when it went silent, not a live figure.
  expect(rows.find((row) => row.id === holderId)?.slots).toBe("1 of 10 at its last heartbeat");
  expect(rows.find((row) => row.id === idleId)?.state).toBe("alive");
  await expect
    .poll(() => page.getByTestId("lost-workers").textContent(), eventually)
    .toContain(`1 worker is lost`);
  await screenshot(page, "workers-one-lost");
  // The run's page no longer shows a dead worker as holding it: the holder lost, or the
  // other worker, once it has taken the run over.
  const idlePid = children[ids.indexOf(idleId ?? "")]?.process.pid;
  await expect
    .poll(() => runPage.getByTestId("run-worker").textContent(), lostWithin)
    .toMatch(new RegExp(`pid ${holder?.process.pid}\\s+lost|pid ${idlePid}\\s+alive`, "i"));
  await screenshot(runPage, "workers-run-page-after-loss");
}, 240_000);
