import { type TargetKind, targetKinds } from "@docket/sdk";
import { UsageError } from "./errors.ts";

/** An integer option within bounds, or a usage error naming the option. */
export function parseIntegerOption(
  option: string,
  value: string,
  min: number,
  max: number,
): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}, got "${value}".`);
  }
  return number;
}

/** `--target`: the kind of records a set holds. */
export function parseTarget(value: string): TargetKind {
  if (!(targetKinds as readonly string[]).includes(value)) {
    throw new UsageError(`Unknown target "${value}". Targets: ${targetKinds.join(", ")}.`);
  }
  return value as TargetKind;
}

/** A comma list (`--ids 1,2,3`), possibly repeated: its non-empty entries, trimmed. */
export function parseList(values: readonly string[]): string[] {
  return values
    .flatMap((value) => value.split(","))
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/**
 * The value of `--param key=value`: JSON when it parses (`5`, `true`, `[1,2]`,
 * `"quoted"`), otherwise the text as it is.
 */
export function parseParamValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Builds the params object from `--params-json` and `--param` (which win, being more specific). */
export function buildParams(
  paramsJson: string | undefined,
  params: readonly string[],
): Record<string, unknown> {
  const result: Record<string, unknown> =
    paramsJson === undefined ? {} : parseParamsJson(paramsJson);
  for (const param of params) {
    const equals = param.indexOf("=");
    if (equals <= 0) {
      throw new UsageError(`--param "${param}" must look like key=value, e.g. --param count=5.`);
    }
    result[param.slice(0, equals)] = parseParamValue(param.slice(equals + 1));
  }
  return result;
}

function parseParamsJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--params-json is not valid JSON: ${(error as Error).message}.`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw new UsageError(`--params-json must be a JSON object like '{"count": 5}', got ${kind}.`);
  }
  return value as Record<string, unknown>;
}
