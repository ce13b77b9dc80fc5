import type { ServerResponse } from "node:http";
import { createApiRequestHandler, localCaller } from "@docket/api";
import { connectDatabase, type Engine } from "@docket/engine";
import { ConflictError } from "@docket/sdk";
import { type CommandInput, databaseOptions, defineCommand, type OptionSpecs } from "../command.ts";
import { readConfig } from "../config.ts";
import { selectDatabase } from "../database.ts";
import {
  demoCatalogLabel,
  isCatalogEmpty,
  listInstitutions,
  resolveDemoRecords,
  seedDemo,
} from "../demoCatalog.ts";
import { openEngine } from "../engineSession.ts";
import { reportUnavailableJobs } from "../jobProblems.ts";
import { migrate } from "../migrate.ts";
import {
  metricsPortOptions,
  metricsTokenFromEnvironment,
  resolveMetricsPort,
  startMetricsServer,
} from "../ops/metricsServer.ts";
import { createOpsRoutes } from "../ops/opsRoutes.ts";
import { formatCount, formatDuration, printJsonLine, printLine, printNote } from "../output.ts";
import { parseIntegerOption } from "../parseValues.ts";
import { repoRoot } from "../paths.ts";
import { shutdownRequested } from "../shutdown.ts";
import { designerBuildEstimate, startDesigner } from "../web/designer.ts";
import { type DocketServer, listen } from "../web/httpServer.ts";
import { sendPlaceholderPage } from "../web/placeholderPage.ts";
import { concurrencyOption, resolveConcurrency } from "./worker.ts";

/** A demo user's name, role, institution and password, as `ensureDemoUsers` made them. */
type DemoCredentials = Awaited<ReturnType<Engine["users"]["ensureDemoUsers"]>>[number];

/** The options of `docket start`, which `docket dev` takes too. */
export const startOptions = {
  port: { type: "string", valueName: "PORT", description: "HTTP port. Default PORT, else 3000." },
  host: {
    type: "string",
    valueName: "HOST",
    description:
      "Interface to listen on. Default DOCKET_HOST, else 127.0.0.1 (this machine only); 0.0.0.0 for all. Passwords, session cookies and API tokens cross plain HTTP: serve a network only behind a TLS proxy (DOCKET_TRUST_PROXY=1).",
  },
  "no-web": {
    type: "boolean",
    description: "Serve only the API (/api/trpc), without the Next.js designer.",
  },
  "no-seed": {
    type: "boolean",
    description:
      "Leave an empty catalog empty. Default: seed the demo catalog (DOCKET_DEMO_RECORDS items, else 20,000), example sets and inactive example schedules into it.",
  },
  ...concurrencyOption,
  ...metricsPortOptions,
  ...databaseOptions,
} as const satisfies OptionSpecs;

/**
 * Something `docket dev` runs beside Docket: started once the engine and its
 * worker are, before the server says it is ready; its `stop` runs before theirs.
 */
export type ServeExtension = (engine: Engine) => Promise<{ stop(): Promise<void> }>;

export const startCommand = defineCommand({
  name: "start",
  summary: "Run Docket on this machine: database, migrations, a worker, the API and the designer.",
  options: startOptions,
  details: [
    'Without DATABASE_URL it starts (or reuses) an embedded PostgreSQL whose data lives in .docket/ (DOCKET_DATA_DIR), on the port it used last (remembered in .docket/postgres.port), else 54329, else, when another program holds that, a free one; its "Database:" line names the port.',
    `The API answers as soon as the server listens. The designer is built meanwhile in the background (next build) on first start and whenever its sources (app/, packages/sdk) changed: ${designerBuildEstimate}; its page shows the build's progress until then.`,
    'On a database without users it creates demo users and prints their passwords once (with --json: an event "users-created"): sign in with them, then change them. A first start that seeds the demo (an empty catalog, no --no-seed) makes the demo a consortium: the default institution becomes "Northfield University Library" (main: users admin and staff), beside "Riverside Public Library" (riverside: riverside.admin, riverside.staff) and the "Northfield Consortium Network Zone" (network: network, who sees every institution\'s work and changes none, and network.admin, who starts network-level jobs). With --no-seed it creates admin and staff of the one institution.',
    'When the catalog is empty, the demo catalog of every member institution (DOCKET_DEMO_RECORDS items each, default 20,000, about a second each), its example sets and inactive example schedules are seeded beside the running server, then a line per institution says so (with --json: an event "seeded" each). --no-seed leaves it empty; `docket seed` fills it later.',
    "GET /healthz answers while the process runs; GET /readyz answers 200 once the database is reachable and migrated and the worker heartbeats, else 503 naming the cause. GET /metrics (Prometheus) needs DOCKET_METRICS_TOKEN as a Bearer token, or use --metrics-port for a separate port (127.0.0.1 by default) without one.",
    "SIGINT/SIGTERM stop it gracefully: no new requests, in-flight steps finish, runs are handed over, then the embedded database stops if this process started it.",
  ],
  examples: [
    "npm start",
    "docket start --port 8080 --concurrency 4",
    "DATABASE_URL=postgres://… docket start --no-web",
  ],
  run: (input) => serve(input),
});

/** `docket start`, and with `extension` `docket dev`: runs until SIGINT/SIGTERM, then stops gracefully. */
export async function serve(
  { values, json }: CommandInput<typeof startOptions>,
  extension?: ServeExtension,
): Promise<number> {
  const port = parseIntegerOption("--port", values.port ?? process.env.PORT ?? "3000", 0, 65535);
  const host = values.host ?? process.env.DOCKET_HOST ?? "127.0.0.1";
  const concurrency = resolveConcurrency(values.concurrency);
  const demoRecords = values["no-seed"] ? 0 : resolveDemoRecords();
  const metricsPort = resolveMetricsPort(values);
  const metricsToken = metricsTokenFromEnvironment();
  const shutdown = shutdownRequested();
  // Undone in reverse order on the way out, whether start-up finished or not.
  const cleanups: { name: string; run: () => Promise<void> }[] = [];
  try {
    const database = await selectDatabase(values["database-url"]);
    cleanups.push({ name: "database", run: () => database.stop() });
    const applied = await migrate(database.connectionString);
    if (applied.length) printNote(`Migrated the database: ${applied.join(", ")}`);

    const session = await openEngine({ databaseUrl: undefined, database });
    cleanups.push({ name: "engine", run: () => session.engine.stop() });
    // A job file that did not load is said once; the other jobs run.
    reportUnavailableJobs(session.engine, json);
    const worker = await session.engine.startWorker({ concurrency });
    cleanups.push({ name: "worker", run: () => worker.stop() });

    // Before listening: whoever reaches the sign-in page can use the printed credentials.
    // A first start that will seed the demo makes it a consortium of two libraries and a
    // Network Zone; --no-seed, or a catalog already there, keeps one institution as it was.
    const demoUsers = await session.engine.users.ensureDemoUsers({
      consortium: demoRecords > 0 && (await catalogIsEmpty(database.connectionString)),
    });
    const designer = values["no-web"]
      ? null
      : startDesigner({ repoRoot, hostname: host, port, log: printNote });
    if (designer) cleanups.push({ name: "designer", run: () => designer.stop() });
    let server: DocketServer;
    try {
      server = await listen({
        port,
        host,
        api: createApiRequestHandler(session.engine, readConfig().api),
        web: designer ? designer.handle : (_req, res) => sendDesignerOff(res),
        ops: createOpsRoutes(session.engine.metrics, {
          metricsToken,
          metricsEnabled: metricsToken !== null,
        }),
      });
    } catch (error) {
      await designer?.stop();
      throw error;
    }
    cleanups.push({ name: "HTTP server", run: () => server.close() });
    if (metricsPort) {
      const served = await startMetricsServer(session.engine.metrics, metricsPort);
      cleanups.push({ name: "metrics server", run: () => served.close() });
      printNote(`Metrics at http://${displayHost(metricsPort.host)}:${served.port}/metrics`);
    }
    // After listening: the API answers at once however large DOCKET_DEMO_RECORDS is (20,000 items take about 1 s).
    if (demoRecords > 0) {
      const seeding = seedEmptyCatalog(
        database.connectionString,
        demoRecords,
        json,
        (institution) =>
          session.engine.schedules
            .seedExamples(localCaller.name, institution)
            .then((created) => created.length),
      );
      cleanups.push({ name: "demo catalog seed", run: () => seeding });
    }
    if (extension) {
      const extended = await extension(session.engine);
      cleanups.push({ name: "job watcher", run: () => extended.stop() });
    }

    const url = `http://${displayHost(host)}:${port}`;
    if (demoUsers.length && json) {
      printJsonLine({ event: "users-created", users: demoUsers });
    } else if (demoUsers.length) {
      printLine(await formatDemoUsers(session.engine, demoUsers));
    }
    if (json)
      printJsonLine({
        event: "ready",
        url,
        api: `${url}/api/trpc`,
        workerId: worker.id,
        concurrency,
      });
    else
      printLine(
        `Docket is running at ${url} (API at ${url}/api/trpc; worker ${worker.id}, concurrency ${concurrency})`,
      );

    const signal = await shutdown;
    printNote(
      `${signal}: stopping Docket; in-flight steps may finish, then their runs are handed over…`,
    );
    await runCleanups(cleanups);
    printNote("Docket stopped.");
    return 0;
  } catch (error) {
    await runCleanups(cleanups);
    throw error;
  }
}

/**
 * Seeds the demo catalog and example sets of every member institution when the
 * catalog has no records at all, so a first `docket start` has something to run
 * jobs on, and says so in a line per institution. Runs beside the server and
 * never rejects: a failed seed is reported, not fatal.
 */
async function seedEmptyCatalog(
  connectionString: string,
  records: number,
  json: boolean,
  seedSchedules: (institution: string) => Promise<number>,
): Promise<void> {
  const handle = connectDatabase(connectionString, { max: 2 });
  try {
    if (!(await isCatalogEmpty(handle.db))) return;
    const institutions = await listInstitutions(handle.db);
    for (const institution of institutions.filter((known) => known.kind === "member")) {
      const { catalog, sets } = await seedDemo(handle.db, {
        records,
        institution: institution.code,
      });
      // Example schedules run on the example sets; they are created inactive.
      const schedules = await seedSchedules(institution.code);
      if (json) {
        printJsonLine({ event: "seeded", ...catalog, sets: sets.length, schedules });
      } else {
        printNote(
          `Seeded ${demoCatalogLabel(institution, institutions)}: ${formatCount(catalog.items)} items, ${formatCount(sets.length)} sets, ${formatCount(schedules)} inactive example schedules (${formatDuration(catalog.durationMs)}; --no-seed skips this).`,
        );
      }
    }
  } catch (error) {
    // Another process seeded between the look and the seed: the catalog is there, which is what counts.
    if (error instanceof ConflictError) return;
    printNote(
      `Seeding the demo catalog failed: ${error instanceof Error ? error.message : String(error)} Docket runs on; \`docket seed\` tries again.`,
    );
  } finally {
    await handle.stop().catch(() => {});
  }
}

/** Whether no institution's catalog has records: a first start, which seeds the demo. */
async function catalogIsEmpty(connectionString: string): Promise<boolean> {
  const handle = connectDatabase(connectionString, { max: 1 });
  try {
    return await isCatalogEmpty(handle.db);
  } finally {
    await handle.stop();
  }
}

/**
 * The demo users' credentials, shown once: a line each (`  admin  <password>
 * (admin)`), under their institution's name when they belong to several.
 */
async function formatDemoUsers(engine: Engine, users: readonly DemoCredentials[]): Promise<string> {
  const width = Math.max(8, ...users.map((user) => user.name.length));
  const line = (user: DemoCredentials) =>
    `  ${user.name.padEnd(width)} ${user.password}   (${user.role})`;
  const lines = [
    "Created demo users. Their passwords are shown only now: sign in at the address below and change them (or `docket users reset-password <name>`).",
  ];
  if (new Set(users.map((user) => user.institution)).size === 1) {
    return [...lines, ...users.map(line)].join("\n");
  }
  for (const institution of await engine.institutions.list()) {
    const members = users.filter((user) => user.institution === institution.code);
    if (members.length === 0) continue;
    const kind = institution.kind === "network" ? "network zone, " : "";
    lines.push(
      `${institution.name} (${institution.code}; ${kind}${institution.timeZone}):`,
      ...members.map(line),
    );
  }
  lines.push(
    "The network user sees every institution's runs, schedules and dashboard and changes nothing; network.admin starts network-level jobs.",
  );
  return lines.join("\n");
}

async function runCleanups(cleanups: { name: string; run: () => Promise<void> }[]): Promise<void> {
  while (cleanups.length) {
    const cleanup = cleanups.pop();
    await cleanup?.run().catch((error: unknown) => {
      printNote(
        `Stopping the ${cleanup.name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }
}

function displayHost(host: string): string {
  return ["127.0.0.1", "::1", "0.0.0.0", "::", "localhost"].includes(host) ? "localhost" : host;
}

function sendDesignerOff(res: ServerResponse): void {
  sendPlaceholderPage(res, "The designer is off (docket start --no-web).", {
    refresh: false,
    status: 404,
  });
}
