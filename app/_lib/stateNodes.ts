/**
 * The graph node ids (`machineId.parent.child`, as the engine's machine graph
 * names them) of every state active in an XState state value, parents first.
 *
 * @example
 * activeStateIds("changePolicy", "changing") // ["changePolicy.changing"]
 * activeStateIds("m", { export: "writing" }) // ["m.export", "m.export.writing"]
 */
export function activeStateIds(machineId: string, value: unknown, prefix = machineId): string[] {
  if (typeof value === "string") return [`${prefix}.${value}`];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => [
    `${prefix}.${key}`,
    ...activeStateIds(machineId, child, `${prefix}.${key}`),
  ]);
}

/** The deepest active states: what the graph highlights as current. */
export function leafStateIds(machineId: string, value: unknown): string[] {
  const ids = activeStateIds(machineId, value);
  return ids.filter((id) => !ids.some((other) => other.startsWith(`${id}.`)));
}
