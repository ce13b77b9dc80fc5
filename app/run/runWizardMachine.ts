import { assign, fromPromise, setup } from "xstate";
import type { FieldErrors, ParamValue } from "../_lib/paramValues.ts";
import type { JobDetail, RouterOutputs, SetSummaryView } from "../_lib/trpcClient.ts";
import type { WizardStep } from "./WizardSteps.tsx";

type DryRun = RouterOutputs["runs"]["dryRun"];

/** What the server's dry run found for the parameters: shown on the review, needed to start. */
export interface CheckedRun {
  readonly params: Record<string, unknown>;
  readonly population: number | null;
  readonly deletesRuns: NonNullable<DryRun["deletesRuns"]> | null;
  readonly csv: DryRun["csv"];
}

export interface RunWizardContext {
  readonly jobId: string | null;
  readonly job: JobDetail | null;
  readonly set: SetSummaryView | null;
  readonly setId: string | null;
  /**
   * The set came first (`/run?setId=…`, "Run a job on this set"): the job step
   * offers only jobs for its records, and choosing one keeps the set.
   */
  readonly setFirst: boolean;
  readonly values: Readonly<Record<string, ParamValue>>;
  readonly description: string;
  readonly fieldErrors: FieldErrors;
  readonly formError: string | null;
  /** The dry run's answer for the current choices; null once any of them changes. */
  readonly checked: CheckedRun | null;
  /** Counts refused checks: each one focuses the first invalid field. */
  readonly attempt: number;
  /** The run started, once it is. */
  readonly runId: string | null;
}

/** Where a link or the browser's history points: `/run?jobId=…&setId=…&step=…`. */
export interface WizardLocation {
  readonly step: WizardStep | null;
  readonly jobId: string | null;
  readonly setId: string | null;
}

/** A refused check or start: messages by field and for the form. */
export interface Refusal {
  readonly fieldErrors: FieldErrors;
  readonly formError: string | null;
}

export type RunWizardEvent =
  | { readonly type: "SELECT_JOB"; readonly jobId: string }
  | { readonly type: "FORGET_SET" }
  | {
      readonly type: "JOB_LOADED";
      readonly job: JobDetail;
      readonly values: Record<string, ParamValue>;
      readonly description: string;
    }
  | { readonly type: "SELECT_SET"; readonly set: SetSummaryView }
  | { readonly type: "NEXT" }
  | { readonly type: "BACK" }
  | { readonly type: "GO_TO"; readonly step: WizardStep }
  | { readonly type: "LOCATION"; readonly location: WizardLocation }
  | { readonly type: "EDIT"; readonly name: string; readonly value: ParamValue }
  | { readonly type: "DESCRIBE"; readonly description: string }
  | { readonly type: "SUBMIT" }
  | { readonly type: "CANCEL" }
  | { readonly type: "CONFIRM" };

export interface CheckInput {
  readonly job: JobDetail;
  readonly setId: string | null;
  readonly values: Readonly<Record<string, ParamValue>>;
}

export interface StartInput {
  readonly job: JobDetail;
  readonly setId: string | null;
  readonly params: Record<string, unknown>;
  readonly description: string;
}

/** The step a location (or a click on a done step) may open with these choices, or the furthest before it. */
export function reachableStep(
  wanted: WizardStep | null,
  context: Pick<RunWizardContext, "jobId" | "job" | "setId" | "checked">,
): WizardStep {
  if (!context.jobId) return "Job";
  const needsSet = context.job === null || context.job.target !== null;
  const setChosen = !needsSet || context.setId !== null;
  // A link with only a job opens at its set (or, for a job without one, its parameters).
  const step = wanted ?? "Set";
  if (step === "Job") return "Job";
  if (step === "Set") return needsSet ? "Set" : "Parameters";
  if (!setChosen) return "Set";
  if (step === "Review" && context.checked) return "Review";
  // The review needs the dry run's answer: without one (a link, a reload) the parameters are checked first.
  return "Parameters";
}

/** The context a location leaves: choices that changed drop what depended on them. */
function atLocation(context: RunWizardContext, location: WizardLocation): RunWizardContext {
  if (context.jobId === location.jobId && context.setId === location.setId) return context;
  const jobChanged = context.jobId !== location.jobId;
  return {
    ...context,
    // A link with a set and no job opens the wizard for that set.
    setFirst: location.setId === null ? false : location.jobId === null ? true : context.setFirst,
    jobId: location.jobId,
    job: jobChanged ? null : context.job,
    setId: location.setId,
    set: context.set?.id === location.setId ? context.set : null,
    checked: null,
    fieldErrors: jobChanged ? {} : context.fieldErrors,
    formError: null,
  };
}

const stepTargets = {
  Job: "#runWizard.job",
  Set: "#runWizard.set",
  Parameters: "#runWizard.parameters",
  Review: "#runWizard.review",
} as const satisfies Record<WizardStep, string>;

/** One transition per step, taken when `pick` says the event leads there. */
function toStep(
  pick: (args: { context: RunWizardContext; event: RunWizardEvent }) => WizardStep,
  actions?: "assignLocation",
) {
  return (Object.keys(stepTargets) as WizardStep[]).map((step) => ({
    guard: ({ context, event }: { context: RunWizardContext; event: RunWizardEvent }) =>
      pick({ context, event }) === step,
    target: stepTargets[step],
    ...(actions ? { actions } : {}),
  }));
}

/**
 * The run wizard: Job → Set (for jobs that take one) → Parameters (checked by
 * the server's dry run on the way out) → Review (→ confirming → starting).
 * Its step and choices follow the URL both ways (see RunWizard.tsx), so the
 * browser's Back and Forward move through the steps and a link reopens one:
 * a `LOCATION` event puts the wizard where the URL says, as far as the choices
 * allow. The dry run and the start are actors the page provides.
 */
export const runWizardMachine = setup({
  types: {
    context: {} as RunWizardContext,
    events: {} as RunWizardEvent,
    input: {} as WizardLocation,
  },
  actors: {
    checkParams: fromPromise<CheckedRun, CheckInput>(async () => {
      throw new Error("The page provides checkParams.");
    }),
    startRun: fromPromise<{ id: string }, StartInput>(async () => {
      throw new Error("The page provides startRun.");
    }),
  },
  actions: {
    assignLocation: assign(({ context, event }) =>
      event.type === "LOCATION" ? atLocation(context, event.location) : context,
    ),
    refuse: assign(({ context }, refusal: Refusal) => ({
      fieldErrors: refusal.fieldErrors,
      formError: refusal.formError,
      attempt: context.attempt + 1,
    })),
  },
  guards: {
    takesSet: ({ context }) => context.job?.target != null,
    hasJob: ({ context }) => context.job !== null,
    hasSet: ({ context }) => context.setId !== null,
  },
}).createMachine({
  id: "runWizard",
  context: ({ input }) => ({
    jobId: input.jobId,
    job: null,
    set: null,
    // A set may come first (`/run?setId=…` from a set's page): the job is then chosen for it.
    setId: input.setId,
    setFirst: input.jobId === null && input.setId !== null,
    values: {},
    description: "",
    fieldErrors: {},
    formError: null,
    checked: null,
    attempt: 0,
    runId: null,
  }),
  initial: "opening",
  on: {
    LOCATION: toStep(
      ({ context, event }) =>
        event.type === "LOCATION"
          ? reachableStep(event.location.step, atLocation(context, event.location))
          : "Job",
      "assignLocation",
    ),
    GO_TO: toStep(({ context, event }) =>
      event.type === "GO_TO" ? reachableStep(event.step, context) : "Job",
    ),
    // A newly chosen job starts with its defaults and its title as the description.
    JOB_LOADED: {
      actions: assign(({ context, event }) =>
        context.job?.id === event.job.id
          ? {}
          : {
              job: event.job,
              values: event.values,
              description: event.description,
              fieldErrors: {},
              formError: null,
              checked: null,
            },
      ),
    },
    DESCRIBE: { actions: assign({ description: ({ event }) => event.description }) },
  },
  states: {
    // Until the page reports where the URL points (`LOCATION`, sent as it mounts).
    opening: {},
    job: {
      on: {
        SELECT_JOB: {
          actions: assign(({ context, event }) =>
            context.jobId === event.jobId
              ? {}
              : context.setFirst
                ? { jobId: event.jobId, job: null, checked: null }
                : { jobId: event.jobId, job: null, setId: null, set: null, checked: null },
          ),
        },
        // "Show all jobs": the set chosen first is let go, and chosen again after the job.
        FORGET_SET: {
          actions: assign({ setId: null, set: null, setFirst: false, checked: null }),
        },
        NEXT: [
          { guard: "takesSet", target: "set" },
          { guard: "hasJob", target: "parameters" },
        ],
      },
    },
    set: {
      always: {
        guard: ({ context }) => context.job !== null && !context.job.target,
        target: "parameters",
      },
      on: {
        SELECT_SET: {
          actions: assign(({ event }) => ({ set: event.set, setId: event.set.id, checked: null })),
        },
        BACK: "job",
        NEXT: { guard: "hasSet", target: "parameters" },
      },
    },
    parameters: {
      initial: "editing",
      states: {
        editing: {
          on: {
            EDIT: {
              actions: assign(({ context, event }) => ({
                values: { ...context.values, [event.name]: event.value },
                checked: null,
              })),
            },
            NEXT: { guard: "hasJob", target: "checking" },
          },
        },
        checking: {
          entry: assign({ fieldErrors: {}, formError: null }),
          invoke: {
            src: "checkParams",
            input: ({ context }) => ({
              job: context.job as JobDetail, // `hasJob` let the wizard in here
              setId: context.job?.target ? context.setId : null,
              values: context.values,
            }),
            onDone: {
              target: "#runWizard.review",
              actions: assign({ checked: ({ event }) => event.output }),
            },
            onError: {
              target: "editing",
              actions: { type: "refuse", params: ({ event }) => event.error as Refusal },
            },
          },
        },
      },
      on: {
        BACK: [{ guard: "takesSet", target: "set" }, { target: "job" }],
      },
    },
    review: {
      initial: "idle",
      states: {
        idle: {
          on: {
            SUBMIT: "confirming",
            BACK: "#runWizard.parameters",
          },
        },
        confirming: {
          on: {
            CANCEL: "idle",
            CONFIRM: "starting",
          },
        },
        starting: {
          entry: assign({ formError: null }),
          invoke: {
            src: "startRun",
            input: ({ context }) => ({
              job: context.job as JobDetail, // the review is only reached with the job loaded
              setId: context.job?.target ? context.setId : null,
              params: context.checked?.params ?? {},
              description: context.description,
            }),
            onDone: {
              target: "#runWizard.started",
              actions: assign({ runId: ({ event }) => event.output.id }),
            },
            onError: [
              {
                // Parameters the server refused field by field are fixed where they are entered.
                guard: ({ event }) => Object.keys((event.error as Refusal).fieldErrors).length > 0,
                target: "#runWizard.parameters",
                actions: { type: "refuse", params: ({ event }) => event.error as Refusal },
              },
              {
                target: "idle",
                actions: assign({ formError: ({ event }) => (event.error as Refusal).formError }),
              },
            ],
          },
        },
      },
    },
    // The page follows the run from here.
    started: { type: "final" },
  },
});
