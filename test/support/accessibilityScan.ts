import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";

/** What a screen-reader or keyboard user cannot get past: the impacts the scan fails on. */
const blockingImpacts = new Set(["serious", "critical"]);

/** One element a blocking rule failed on, in words a failing test can print. */
export interface AccessibilityProblem {
  readonly page: string;
  readonly rule: string;
  readonly impact: string;
  readonly target: string;
  readonly summary: string;
}

/**
 * Runs axe-core (WCAG 2 A and AA rules) on the page as it is now and returns
 * each serious or critical violation, one entry per offending element.
 */
export async function scanAccessibility(
  page: Page,
  pageName: string,
): Promise<AccessibilityProblem[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  return results.violations
    .filter((violation) => blockingImpacts.has(violation.impact ?? ""))
    .flatMap((violation) =>
      violation.nodes.map((node) => ({
        page: pageName,
        rule: violation.id,
        impact: violation.impact ?? "",
        target: node.target.join(" "),
        summary: (node.failureSummary ?? violation.help).replace(/\s+/g, " ").slice(0, 300),
      })),
    );
}

/** One line per problem: `page · rule (impact) · target — why`. */
export function describeProblems(problems: readonly AccessibilityProblem[]): string[] {
  return problems.map(
    (problem) =>
      `${problem.page} · ${problem.rule} (${problem.impact}) · ${problem.target} — ${problem.summary}`,
  );
}
