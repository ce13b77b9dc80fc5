import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Scrape } from "./support/prometheusScrape.ts";
import { createTestEngine, type TestEngine } from "./support/testEngine.ts";

const dashboardFile = new URL("../ops/grafana/docket-dashboard.json", import.meta.url);
const alertsFile = new URL("../ops/prometheus/docket-alerts.yml", import.meta.url);
const readmeFile = new URL("../README.md", import.meta.url);

// PromQL words that are not metric names: aggregations, their modifiers, and operators.
const promqlKeywords = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "and",
  "or",
  "unless",
  "offset",
  "inf",
  "nan",
]);

/**
 * The metric names a PromQL expression reads: every identifier that is not a
 * function (followed by `(`), a keyword, a label inside `{…}` or `by (…)`, a
 * string, or a range/offset duration.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "")
    .replace(/\[[^\]]*\]/g, "");
  const names: string[] = [];
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = bare.slice((match.index ?? 0) + match[0].length).trimStart();
    if (after.startsWith("(") || promqlKeywords.has(match[0].toLowerCase())) continue;
    names.push(match[0]);
  }
  return names;
}

interface Panel {
  readonly title: string;
  readonly targets?: readonly { readonly expr: string }[];
}
interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly summary: string | undefined;
}

/**
 * The rules of a Prometheus rules file written as ops/prometheus/docket-alerts.yml
 * is (no YAML parser is installed): each `- alert:` with its one-line `expr:` and `summary:`.
 */
function readAlertRules(text: string): AlertRule[] {
  const rules: { alert: string; expr?: string; summary?: string }[] = [];
  for (const line of text.split("\n")) {
    const field = /^\s*(?:- )?(alert|expr|summary):\s*(.*)$/.exec(line);
    if (!field) continue;
    const [, key, raw = ""] = field;
    const value = raw.replace(/^"(.*)"$/, "$1");
    if (key === "alert") rules.push({ alert: value });
    else if (rules.length) rules[rules.length - 1]![key as "expr" | "summary"] = value;
  }
  return rules.map((rule) => ({ alert: rule.alert, expr: rule.expr ?? "", summary: rule.summary }));
}

let t: TestEngine;
let scraped: Set<string>;

beforeAll(async () => {
  t = await createTestEngine();
  await t.engine.startWorker({ concurrency: 1 });
  scraped = new Scrape(await t.engine.metrics.scrape()).names();
});

afterAll(async () => {
  await t?.[Symbol.asyncDispose]();
});

describe("ops files read metrics Docket serves", () => {
  test("the metric-name reader finds names, not functions or labels", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (job, le) (rate(docket_run_duration_seconds_bucket{status="failed"}[30m]))) > 0 or absent(docket_workers)',
      ),
    ).toEqual(["docket_run_duration_seconds_bucket", "docket_workers"]);
  });

  test("every panel of the Grafana dashboard queries metrics a real scrape has", async () => {
    const dashboard = JSON.parse(await readFile(dashboardFile, "utf8")) as { panels: Panel[] };
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
    for (const panel of dashboard.panels) {
      const names = (panel.targets ?? []).flatMap((target) => metricNames(target.expr));
      expect(names.length, `panel "${panel.title}" queries no metric`).toBeGreaterThan(0);
      const unknown = names.filter((name) => !scraped.has(name));
      expect(unknown, `panel "${panel.title}"`).toEqual([]);
    }
  });

  test("every alert rule reads metrics a real scrape has, and the four the operator needs are there", async () => {
    const all = readAlertRules(await readFile(alertsFile, "utf8"));
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const rule of all) {
      expect(rule.summary, rule.alert).toBeTruthy();
      const names = metricNames(rule.expr);
      expect(names.length, `alert ${rule.alert} reads no metric`).toBeGreaterThan(0);
      expect(
        names.filter((name) => !scraped.has(name)),
        `alert ${rule.alert}`,
      ).toEqual([]);
    }
    const read = all.map((rule) => rule.expr).join("\n");
    expect(read).toContain('docket_runs_ended_total{status="failed"}');
    expect(read).toContain("docket_runs_waiting_oldest_seconds");
    expect(read).toContain("docket_schedule_lag_seconds");
    expect(read).toContain("docket_notification_failures_total");
  });

  test("the README's metrics table lists every Docket metric a scrape has", async () => {
    const readme = await readFile(readmeFile, "utf8");
    const chapter = readme.slice(readme.indexOf("## Operating Docket"));
    const documented = new Set(
      [...chapter.matchAll(/^\| `(docket_[a-z_]+)` \|/gm)].map((m) => m[1] ?? ""),
    );
    const served = [...scraped].filter(
      (name) => name.startsWith("docket_") && !/_(bucket|count|sum)$/.test(name),
    );
    expect(served.length).toBeGreaterThanOrEqual(15);
    expect(served.filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !scraped.has(name))).toEqual([]);
  });
});
