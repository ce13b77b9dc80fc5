import { createEngine, connectDatabase, migrateToLatest } from "@docket/engine";
import pg from "pg";
const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
await admin.connect();
await admin.query("drop database if exists dbg1 with (force)"); await admin.query("create database dbg1"); await admin.end();
const url = "postgres://postgres@127.0.0.1:5432/dbg1";
process.env.DOCKET_FIXTURE_DATABASE_URL = url;
const d = connectDatabase(url); await migrateToLatest(d.db, url); await d.stop();
const engine = await createEngine({ connectionString: url, jobsDir: "/work/main/test/fixtures/jobs" });
console.log("jobs", engine.registry.list().map(j => j.id));
const w = await engine.startWorker({ onActivationEnd: (id, o) => console.log("end", id, o) });
const run = await engine.startRun({ jobId: "fixtures.side-effect", params: { label: "abc" }, createdBy: "x" });
console.log("started", run.id);
for (let i = 0; i < 20; i++) { await new Promise(r => setTimeout(r, 300)); const r = await engine.getRun(run.id); console.log(r.status, JSON.stringify(r.stateValue)); if (r.status === 'completed' || r.status==='failed') break; }
console.log(await engine.listRunEvents({ runId: run.id }));
const { rows } = await engine.internals.boss.getDb().executeSql("select name, state, retry_count, output from pgboss.job");
console.log(rows);
await engine.stop();
