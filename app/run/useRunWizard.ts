"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMachine } from "@xstate/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef } from "react";
import { fromPromise, type SnapshotFrom } from "xstate";
import { toApiError } from "../_lib/apiError.ts";
import { initialParamValues, splitParamIssues, toParams } from "../_lib/paramValues.ts";
import { schemaFields } from "../_lib/schemaFields.ts";
import { type SetSummaryView, useTRPC } from "../_lib/trpcClient.ts";
import { useRunsChanged } from "../_lib/useInvalidate.ts";
import {
  type Refusal,
  type RunWizardEvent,
  runWizardMachine,
  type WizardLocation,
} from "./runWizardMachine.ts";
import { type WizardStep, wizardSteps } from "./WizardSteps.tsx";

type WizardSnapshot = SnapshotFrom<typeof runWizardMachine>;

/** The step the wizard shows; null while it opens. */
export function stepOf(snapshot: WizardSnapshot): WizardStep | null {
  if (snapshot.matches("job")) return "Job";
  if (snapshot.matches("set")) return "Set";
  if (snapshot.matches("parameters")) return "Parameters";
  if (snapshot.matches("review") || snapshot.matches("started")) return "Review";
  return null;
}

/** `/run?jobId=…&setId=…&step=…` read back; unknown steps are ignored. */
export function readWizardLocation(params: URLSearchParams): WizardLocation {
  const step = wizardSteps.find((name) => name.toLowerCase() === params.get("step"));
  return { step: step ?? null, jobId: params.get("jobId"), setId: params.get("setId") };
}

/** The wizard's address for a location: the same location always gives the same string. */
export function wizardHref({ step, jobId, setId }: WizardLocation): string {
  const params = new URLSearchParams();
  if (jobId) params.set("jobId", jobId);
  if (setId) params.set("setId", setId);
  if (step) params.set("step", step.toLowerCase());
  const query = params.toString();
  return query ? `/run?${query}` : "/run";
}

/**
 * The run wizard's machine with its two server calls (the dry run, the start)
 * and its URL: each step the reader takes is a new history entry, so Back and
 * Forward move through the steps; a URL the reader opens or returns to puts
 * the wizard there, as far as its choices allow (the review only after a dry run).
 */
export function useRunWizard() {
  const router = useRouter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const runsChanged = useRunsChanged();
  const { mutateAsync: startRun } = useMutation(
    trpc.runs.start.mutationOptions({ onSuccess: runsChanged }),
  );

  const actors = useMemo(
    () =>
      runWizardMachine.provide({
        actors: {
          checkParams: fromPromise(async ({ input }) => {
            const fields = schemaFields(input.job.paramsSchema);
            const converted = toParams(fields, input.values);
            if (Object.keys(converted.errors).length > 0) {
              throw { fieldErrors: converted.errors, formError: null } satisfies Refusal;
            }
            try {
              const result = await queryClient.fetchQuery(
                trpc.runs.dryRun.queryOptions({
                  jobId: input.job.id,
                  params: converted.params,
                  ...(input.setId ? { setId: input.setId } : {}),
                }),
              );
              return {
                params: converted.params,
                population: result.populationSize,
                deletesRuns: result.deletesRuns ?? null,
                csv: result.csv,
              };
            } catch (cause) {
              const apiError = toApiError(cause);
              const { byField, other } = splitParamIssues(apiError.issues, fields);
              throw {
                fieldErrors: byField,
                formError:
                  Object.keys(byField).length > 0 && other.length === 0
                    ? "Some parameters are invalid: see the messages under the fields."
                    : apiError.message,
              } satisfies Refusal;
            }
          }),
          startRun: fromPromise(async ({ input }) => {
            const description = input.description.trim();
            try {
              return await startRun({
                jobId: input.job.id,
                params: input.params,
                ...(input.setId ? { setId: input.setId } : {}),
                ...(description ? { description } : {}),
              });
            } catch (cause) {
              const apiError = toApiError(cause);
              const fields = schemaFields(input.job.paramsSchema);
              const { byField } = splitParamIssues(apiError.issues, fields);
              throw { fieldErrors: byField, formError: apiError.message } satisfies Refusal;
            }
          }),
        },
      }),
    [queryClient, trpc, startRun],
  );

  const searchParams = useSearchParams();
  const location = readWizardLocation(new URLSearchParams(searchParams.toString()));
  const [snapshot, send, actorRef] = useMachine(actors, { input: location });
  const { context } = snapshot;
  const step = stepOf(snapshot);

  // URL → wizard: on opening, and when Back or Forward (or a link) changes the URL.
  const urlKey = wizardHref(location);
  useEffect(() => {
    const now = actorRef.getSnapshot();
    const here = { step: stepOf(now), jobId: now.context.jobId, setId: now.context.setId };
    if (here.step !== null && wizardHref(here) === urlKey) return; // the wizard put it there
    const query = new URLSearchParams(urlKey.split("?")[1] ?? "");
    send({ type: "LOCATION", location: readWizardLocation(query) });
  }, [urlKey, actorRef, send]);

  // Wizard → URL: a step the reader took is a new history entry; a choice, or
  // the wizard settling where a URL could not lead, replaces the current one.
  const pushNext = useRef(false);
  const machineKey = step ? wizardHref({ step, jobId: context.jobId, setId: context.setId }) : null;
  useEffect(() => {
    if (!machineKey) return;
    const current = wizardHref(readWizardLocation(new URLSearchParams(window.location.search)));
    const push = pushNext.current;
    pushNext.current = false;
    if (machineKey === current) return;
    if (push) router.push(machineKey, { scroll: false });
    else router.replace(machineKey, { scroll: false });
  }, [machineKey, router]);

  // The chosen job: its defaults and title start the parameters and the description.
  const jobQuery = useQuery(
    trpc.jobs.get.queryOptions({ id: context.jobId ?? "" }, { enabled: context.jobId !== null }),
  );
  const loadedJob = jobQuery.data;
  const shownJobId = context.job?.id ?? null;
  useEffect(() => {
    if (!loadedJob || shownJobId === loadedJob.id) return;
    send({
      type: "JOB_LOADED",
      job: loadedJob,
      values: initialParamValues(schemaFields(loadedJob.paramsSchema)),
      description: loadedJob.title,
    });
  }, [loadedJob, shownJobId, send]);

  // A set named by the URL (a link, Back, a set's page) is looked up among the
  // target's sets, or among all of them while the job is still to be chosen for it.
  const target = context.job?.target ?? null;
  const setsQuery = useQuery(
    trpc.sets.list.queryOptions(target ? { target } : {}, {
      enabled: context.setId !== null && context.set === null,
    }),
  );
  const set: SetSummaryView | null =
    context.set ?? setsQuery.data?.find((candidate) => candidate.id === context.setId) ?? null;

  // A set-first link to a set that is gone offers every job, and no set, instead.
  const setMissing = context.setId !== null && set === null && setsQuery.isSuccess;
  useEffect(() => {
    if (context.setFirst && setMissing) send({ type: "FORGET_SET" });
  }, [context.setFirst, setMissing, send]);

  // Started: the run's page follows it (the dialog stays busy while it loads).
  useEffect(() => {
    if (context.runId) router.push(`/runs/${context.runId}`);
  }, [context.runId, router]);

  return {
    snapshot,
    step,
    set,
    /** The set the URL names is not among the sets (deleted, or a bad link). */
    setMissing,
    setLoading: context.setId !== null && set === null && setsQuery.isLoading,
    job: context.job?.id === context.jobId ? context.job : null,
    jobError: jobQuery.error,
    jobLoading: jobQuery.isLoading,
    /** Sends a reader's event; a step it leads to becomes a new history entry. */
    act: (event: RunWizardEvent) => {
      pushNext.current = true;
      send(event);
    },
    /** Sends an event that changes choices or values, not the step. */
    send,
  };
}
