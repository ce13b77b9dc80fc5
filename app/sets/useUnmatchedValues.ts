"use client";

import type { TargetKind } from "@docket/sdk/vocabulary";
import { type QueryClient, useQueries, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { type RouterOutputs, useTRPC } from "../_lib/trpcClient.ts";

/** A condition as the form sends it (the filter's `all` or `any` entry). */
export interface SentCondition {
  readonly field: string;
  readonly op: string;
  readonly value?: unknown;
}

type FieldValues = RouterOutputs["sets"]["fieldValues"];

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

interface Check {
  readonly index: number;
  readonly field: string;
  readonly value: string;
}

/** The values to look up: those of `eq`, `ne` and `in` conditions on fields holding free values. */
function checksOf(
  conditions: readonly SentCondition[],
  checkable: (field: string) => boolean,
): Check[] {
  return conditions.flatMap((condition, index) => {
    if (!exactOperators.has(condition.op) || !checkable(condition.field)) return [];
    const values = (Array.isArray(condition.value) ? condition.value : [condition.value])
      .map((value) => (value === undefined || value === null ? "" : String(value)))
      .filter((value) => value !== "")
      .slice(0, maxChecked);
    return values.map((value) => ({ index, field: condition.field, value }));
  });
}

/**
 * The message for a value no record holds, from its lookup (which lists a
 * value equal to it first): "No item has location “Stacks 9”.", with "Did
 * you mean “Stacks”?" when only the case differs; null when a record holds it.
 */
function messageFor(target: TargetKind, check: Check, answer: FieldValues): string | null {
  const first = answer.values[0];
  if (first?.value === check.value) return null;
  const near =
    first && first.value.toLowerCase() === check.value.toLowerCase()
      ? ` Did you mean “${first.value}”?`
      : "";
  return `No ${singular[target]} has ${check.field.replaceAll("_", " ")} “${check.value}”.${near}`;
}

function byCondition(found: readonly (readonly [number, string | null])[]): Map<number, string> {
  const messages = new Map<number, string>();
  for (const [index, message] of found) {
    if (message) messages.set(index, [messages.get(index), message].filter(Boolean).join(" "));
  }
  return messages;
}

function lookup(trpc: ReturnType<typeof useTRPC>, target: TargetKind, check: Check) {
  return trpc.sets.fieldValues.queryOptions(
    { target, field: check.field, prefix: check.value, limit: 1 },
    { staleTime: 30_000 },
  );
}

/**
 * Values no record holds now, by condition index, each looked up with
 * `sets.fieldValues`: `shown` for the conditions as last settled (flagged
 * next to them), and `check` for the conditions about to be saved (looked
 * up then, so a value chosen a moment ago is not judged by the one before).
 * `checkable` says which fields hold free values (not dates, not fixed choices).
 */
export function useUnmatchedValues(
  target: TargetKind,
  settled: readonly SentCondition[],
  checkable: (field: string) => boolean,
): {
  readonly shown: ReadonlyMap<number, string>;
  readonly check: (conditions: readonly SentCondition[]) => Promise<ReadonlyMap<number, string>>;
} {
  const trpc = useTRPC();
  const queryClient: QueryClient = useQueryClient();
  const checks = checksOf(settled, checkable);
  const answers = useQueries({ queries: checks.map((check) => lookup(trpc, target, check)) });
  const shown = byCondition(
    checks.map((check, position) => {
      const answer = answers[position]?.data;
      return [check.index, answer ? messageFor(target, check, answer) : null] as const;
    }),
  );
  const check = useCallback(
    async (conditions: readonly SentCondition[]) =>
      byCondition(
        await Promise.all(
          checksOf(conditions, checkable).map(
            async (one) =>
              [
                one.index,
                messageFor(target, one, await queryClient.fetchQuery(lookup(trpc, target, one))),
              ] as const,
          ),
        ),
      ),
    [checkable, queryClient, target, trpc],
  );
  return { shown, check };
}
