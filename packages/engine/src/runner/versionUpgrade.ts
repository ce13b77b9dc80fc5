/**
 * Whether a run that started on another version of its job can go on with the
 * current one (docs/durability.md, "Versions"): every state it is in still
 * exists, every step in flight is still invoked there under the same id and
 * actor, and XState restores the checkpoint without error. A job may declare
 * how the states of an older version map onto its own (`upgrades` in
 * `defineJob`); the mapping is applied first.
 */
import { type AnyStateMachine, createActor } from "xstate";
import type { RegisteredJob } from "../registry/jobRegistry.ts";

/** A state node as this check reads it (XState's StateNode, structurally). */
interface StateNodeShape {
  readonly states: Readonly<Record<string, StateNodeShape>>;
  readonly invoke: readonly { readonly id: string; readonly src: unknown }[];
}

/** The persisted snapshot fields this check reads and rewrites. */
interface PersistedShape {
  readonly value?: unknown;
  readonly children?: Readonly<Record<string, { readonly src?: unknown }>>;
  readonly [key: string]: unknown;
}

export type UpgradeCheck =
  /**
   * The run goes on with the current version, from `snapshot` (mapped when the job says how);
   * `renamedSteps`: in-flight steps whose id follows their state's path (durable delays,
   * `after:<path>:<ms>`), old id → new id, so their visits and journal entries go with them.
   */
  | {
      readonly fits: true;
      readonly snapshot: unknown;
      readonly mappedStates: Readonly<Record<string, string>> | null;
      readonly renamedSteps: Readonly<Record<string, string>>;
    }
  /** It does not: why, in words staff read. */
  | { readonly fits: false; readonly reason: string };

export function checkUpgrade(
  job: RegisteredJob,
  runVersion: string,
  snapshot: unknown,
): UpgradeCheck {
  if (snapshot === null || snapshot === undefined)
    return { fits: true, snapshot, mappedStates: null, renamedSteps: {} };
  const machine = job.runnableMachine;
  const mapping =
    job.definition.upgrades?.find((upgrade) => runVersion.startsWith(upgrade.from))?.states ?? null;
  const renamedSteps = mapping
    ? renamedDelayIds(snapshot as PersistedShape, machine.id, mapping)
    : {};
  const persisted = renameChildren(snapshot as PersistedShape, renamedSteps);
  const value = mapping ? mapStateValue(persisted.value, mapping) : persisted.value;
  const root = machine.root as unknown as StateNodeShape; // XState's StateNode: only the fields above are read
  const active: StateNodeShape[] = [root];
  for (const path of leafPaths(value)) {
    let node = root;
    for (const segment of path) {
      const next = node.states[segment];
      if (!next) return { fits: false, reason: `state "${path.join(".")}" no longer exists` };
      node = next;
      active.push(node);
    }
  }
  for (const [id, child] of Object.entries(persisted.children ?? {})) {
    const invoked = active.flatMap((node) => node.invoke).find((invoke) => invoke.id === id);
    if (!invoked)
      return { fits: false, reason: `the step "${id}" in flight is no longer invoked there` };
    if (typeof child.src === "string" && invoked.src !== child.src)
      return {
        fits: false,
        reason: `the step "${id}" in flight now runs "${String(invoked.src)}" instead of "${child.src}"`,
      };
  }
  const upgraded = mapping ? { ...persisted, value } : persisted;
  const restoreError = restoreProblem(machine, upgraded);
  if (restoreError) return { fits: false, reason: restoreError };
  return { fits: true, snapshot: upgraded, mappedStates: mapping, renamedSteps };
}

/** Durable delays are invoked as `after:<machine id>.<state path>:<ms>`: a mapped state renames them. */
function renamedDelayIds(
  persisted: PersistedShape,
  machineId: string,
  mapping: Readonly<Record<string, string>>,
): Record<string, string> {
  const renamed: Record<string, string> = {};
  for (const id of Object.keys(persisted.children ?? {})) {
    const delay = /^after:(.+):(\d+)$/.exec(id);
    const statePath = delay?.[1];
    if (!statePath?.startsWith(`${machineId}.`)) continue;
    const path = statePath.slice(machineId.length + 1).split(".");
    const mapped = mapPath(path, mapping).join(".");
    if (mapped !== path.join(".")) renamed[id] = `after:${machineId}.${mapped}:${delay?.[2]}`;
  }
  return renamed;
}

/** The snapshot with its in-flight children re-keyed by their new ids. */
function renameChildren(
  persisted: PersistedShape,
  renamed: Readonly<Record<string, string>>,
): PersistedShape {
  if (Object.keys(renamed).length === 0 || !persisted.children) return persisted;
  const children = Object.fromEntries(
    Object.entries(persisted.children).map(([id, child]) => [renamed[id] ?? id, child]),
  );
  return { ...persisted, children };
}

/** XState restores the checkpoint into the new machine; an error says why it cannot. */
function restoreProblem(machine: AnyStateMachine, snapshot: unknown): string | null {
  try {
    const actor = createActor(machine, { snapshot: snapshot as never, input: undefined });
    const restored = actor.getSnapshot();
    if (restored.status === "error")
      return `the checkpoint does not restore (${String(restored.error)})`;
    return null;
  } catch (error) {
    return `the checkpoint does not restore (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** The active states of a state value, each as its path from the root. */
function leafPaths(value: unknown, prefix: readonly string[] = []): string[][] {
  if (typeof value === "string") return [[...prefix, value]];
  if (value === null || typeof value !== "object") return prefix.length ? [[...prefix]] : [];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return [[...prefix]];
  return entries.flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

/** Renames states by dotted path (`"waiting"`, `"processing.chunk"`), the longest matching prefix first. */
function mapStateValue(value: unknown, mapping: Readonly<Record<string, string>>): unknown {
  return toStateValue(leafPaths(value).map((path) => mapPath(path, mapping)));
}

/** One state path, renamed by the mapping's longest matching prefix. */
function mapPath(path: readonly string[], mapping: Readonly<Record<string, string>>): string[] {
  for (let length = path.length; length > 0; length--) {
    const renamed = mapping[path.slice(0, length).join(".")];
    if (renamed !== undefined) return [...renamed.split("."), ...path.slice(length)];
  }
  return [...path];
}

/** Paths back into a state value: `["a"]` → `"a"`, `["a","b"]` → `{ a: "b" }`, parallel regions merged. */
function toStateValue(paths: readonly string[][]): unknown {
  const tree: Record<string, unknown> = {};
  for (const path of paths) {
    let node = tree;
    for (const segment of path) {
      node[segment] ??= {};
      node = node[segment] as Record<string, unknown>;
    }
  }
  const collapse = (node: Record<string, unknown>): unknown => {
    const keys = Object.keys(node);
    const only = keys[0];
    if (keys.length === 1 && only !== undefined && Object.keys(node[only] as object).length === 0)
      return only;
    return Object.fromEntries(
      keys.map((key) => [key, collapse(node[key] as Record<string, unknown>)]),
    );
  };
  return collapse(tree);
}
