"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toApiError } from "../../_lib/apiError.ts";
import { useTRPC } from "../../_lib/trpcClient.ts";
import { useInvalidate, useRunsChanged } from "../../_lib/useInvalidate.ts";
import type { ScheduleView } from "./scheduleDraft.ts";

/**
 * What the editor's header does to a saved schedule: activate or deactivate
 * it, run it now, delete it (after a confirmation). Each refreshes the
 * schedule lists; a run started now refreshes the run lists too.
 */
export function useScheduleActions(
  current: ScheduleView | null,
  {
    onActiveChange,
    onUpdated,
  }: {
    /** A new schedule's switch only changes the draft. */
    readonly onActiveChange: (active: boolean) => void;
    readonly onUpdated: (row: ScheduleView) => void;
  },
) {
  const router = useRouter();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const runsChanged = useRunsChanged();
  const schedulesChanged = () => invalidate(trpc.schedules.pathKey());
  const activation = useMutation(
    trpc.schedules.setActive.mutationOptions({ onSuccess: schedulesChanged }),
  );
  const runNowCall = useMutation(
    trpc.schedules.runNow.mutationOptions({
      onSuccess: async () => {
        await Promise.all([schedulesChanged(), runsChanged()]);
      },
    }),
  );
  const deletion = useMutation(
    trpc.schedules.delete.mutationOptions({ onSuccess: schedulesChanged }),
  );
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [ranNow, setRanNow] = useState<string | null>(null);

  const setActive = async (active: boolean) => {
    if (!current) {
      onActiveChange(active);
      return;
    }
    setActionError(null);
    try {
      const updated = await activation.mutateAsync({ id: current.id, active });
      onUpdated(updated);
    } catch (error) {
      setActionError(
        `Could not ${active ? "activate" : "deactivate"} the schedule: ${toApiError(error).message}`,
      );
    }
  };

  const runNow = async () => {
    if (!current) return;
    setActionError(null);
    try {
      const run = await runNowCall.mutateAsync({ id: current.id });
      setRanNow(run.id);
    } catch (error) {
      setActionError(`Could not start a run: ${toApiError(error).message}`);
    }
  };
  const remove = async () => {
    if (!current) return;
    try {
      await deletion.mutateAsync({ id: current.id });
      router.push("/schedules");
    } catch (error) {
      setConfirmDelete(false);
      setActionError(`Could not delete the schedule: ${toApiError(error).message}`);
    }
  };

  return { setActive, runNow, remove, actionError, ranNow, confirmDelete, setConfirmDelete };
}
