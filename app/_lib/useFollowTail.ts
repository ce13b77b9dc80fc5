"use client";

import { type RefObject, type UIEvent, useCallback, useLayoutEffect, useRef } from "react";

/** How close to the bottom (px) still counts as reading the tail. */
const tailSlackPx = 24;

/**
 * Keeps a scrolling list of newest-last entries at its bottom as entries
 * arrive, unless the reader scrolled up to read older ones (scrolling back
 * down resumes following). Pass the newest entry's key; spread the result's
 * `ref` and `onScroll` on the scrolling element.
 */
export function useFollowTail<E extends HTMLElement>(
  newestKey: string | undefined,
): { readonly ref: RefObject<E | null>; readonly onScroll: (event: UIEvent<E>) => void } {
  const ref = useRef<E>(null);
  const following = useRef(true);
  useLayoutEffect(() => {
    void newestKey; // follow whenever a new entry shows
    const element = ref.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [newestKey]);
  const onScroll = useCallback((event: UIEvent<E>) => {
    const element = event.currentTarget;
    following.current =
      element.scrollHeight - element.scrollTop - element.clientHeight < tailSlackPx;
  }, []);
  return { ref, onScroll };
}
