"use client";

import type { TargetKind } from "@docket/sdk/vocabulary";
import { useQueries } from "@tanstack/react-query";
import { useTRPC } from "../_lib/trpcClient.ts";

/** A condition as the form sends it (the filter's `all` or `any` entry). */
interface SentCondition {
  readonly field: string;
  readonly op: string;
  readonly value?: unknown;
}

/** Operators whose values must be values the field holds: a typo there silently matches nothing. */
const exactOperators = new Set(["eq", "ne", "in"]);
/** Most values of one `in` list looked up. */
const maxChecked = 20;

const singular: Readonly<Record<TargetKind, string>> = {
  items: "item",
  records: "record",
  loans: "loan",
  headings: "heading",
};

/**
 * Messages for the conditions whose values no record holds now, by condition
 * index: "No item has location “Stacks 9”." (with "Did you mean “Stacks”?"
 * when only the case differs). Each value is looked up with `sets.fieldValues`,
 * which lists a value equal to the one asked for first. `checkable` says which
 * fields hold free values (not dates, not fixed choices).
 */
export function useUnmatchedValues(
  target: TargetKind,
  conditions: readonly SentCondition[],
  checkable: (field: string) => boolean,
): ReadonlyMap<number, string> {
  const trpc = useTRPC();
  const checks = conditions.flatMap((condition, index) => {
    if (!exactOperators.has(condition.op) || !checkable(condition.field)) return [];
    const values = (Array.isArray(condition.value) ? condition.value : [condition.value])
      .map((value) => (value === undefined || value === null ? "" : String(value)))
      .filter((value) => value !== "")
      .slice(0, maxChecked);
    return values.map((value) => ({ index, field: condition.field, value }));
  });
  const answers = useQueries({
    queries: checks.map((check) =>
      trpc.sets.fieldValues.queryOptions(
        { target, field: check.field, prefix: check.value, limit: 1 },
        { staleTime: 30_000 },
      ),
    ),
  });
  const messages = new Map<number, string[]>();
  checks.forEach((check, position) => {
    const first = answers[position]?.data?.values[0];
    if (answers[position]?.data === undefined || first?.value === check.value) return;
    const label = check.field.replaceAll("_", " ");
    const near =
      first && first.value.toLowerCase() === check.value.toLowerCase()
        ? ` Did you mean “${first.value}”?`
        : "";
    const list = messages.get(check.index) ?? [];
    list.push(`No ${singular[target]} has ${label} “${check.value}”.${near}`);
    messages.set(check.index, list);
  });
  return new Map([...messages].map(([index, list]) => [index, list.join(" ")]));
}
