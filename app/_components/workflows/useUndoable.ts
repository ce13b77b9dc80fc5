"use client";

import { useCallback, useState } from "react";

interface History<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
  /** The group of the last change, so typing in one field is one undo step. */
  readonly lastGroup: string | null;
}

/** Undo steps kept; older ones are dropped. */
const maxSteps = 200;

export interface Undoable<T> {
  readonly value: T;
  /**
   * Replaces the value as a new undo step. Changes with the same `group` in a
   * row (keystrokes in one field) merge into one step. Default: always a new step.
   */
  readonly change: (update: (previous: T) => T, group?: string) => void;
  readonly undo: () => void;
  readonly redo: () => void;
  /** Starts over from `value` with no history (after loading). */
  readonly reset: (value: T) => void;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
}

/** A value with undo and redo. */
export function useUndoable<T>(initial: T): Undoable<T> {
  const [history, setHistory] = useState<History<T>>({
    past: [],
    present: initial,
    future: [],
    lastGroup: null,
  });

  const change = useCallback((update: (previous: T) => T, group?: string) => {
    setHistory((h) => {
      const next = update(h.present);
      if (next === h.present) return h;
      const merge = group !== undefined && group === h.lastGroup;
      return {
        past: merge ? h.past : [...h.past, h.present].slice(-maxSteps),
        present: next,
        future: [],
        lastGroup: group ?? null,
      };
    });
  }, []);
  const undo = useCallback(() => {
    setHistory((h) => {
      const previous = h.past.at(-1);
      if (previous === undefined) return h;
      return {
        past: h.past.slice(0, -1),
        present: previous,
        future: [h.present, ...h.future],
        lastGroup: null,
      };
    });
  }, []);
  const redo = useCallback(() => {
    setHistory((h) => {
      const [next, ...future] = h.future;
      if (next === undefined) return h;
      return { past: [...h.past, h.present], present: next, future, lastGroup: null };
    });
  }, []);
  const reset = useCallback((value: T) => {
    setHistory({ past: [], present: value, future: [], lastGroup: null });
  }, []);

  return {
    value: history.present,
    change,
    undo,
    redo,
    reset,
    canUndo: history.past.length > 0,
    canRedo: history.future.length > 0,
  };
}
