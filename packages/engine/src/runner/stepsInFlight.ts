/** Counts a run's in-flight steps and their park offers: the run parks when every step in flight is a long sleep, and is released when its worker stops and no step is in flight. */
import type { Settlement } from "./activationContext.ts";

type StepsSettlement = Extract<Settlement, { kind: "park" | "release" }>;

export class StepsInFlight {
  readonly #settle: (settlement: StepsSettlement) => void;
  readonly #isSettled: () => boolean;
  #stepsInFlight = 0;
  #parkOffers = new Set<{ deadline: Date }>();
  #shuttingDown = false;

  constructor(settle: (settlement: StepsSettlement) => void, isSettled: () => boolean) {
    this.#settle = settle;
    this.#isSettled = isSettled;
  }

  /** A sleep with `deadline` ahead of it offers to park the run until then, until `withdraw` aborts. */
  offerPark(deadline: Date, withdraw: AbortSignal): void {
    const offer = { deadline };
    this.#parkOffers.add(offer);
    withdraw.addEventListener("abort", () => this.#parkOffers.delete(offer), { once: true });
    setImmediate(() => this.#checkPark());
  }

  stepStarted(): void {
    this.#stepsInFlight++;
  }

  stepEnded(): void {
    this.#stepsInFlight--;
    setImmediate(() => this.checkQuiet());
  }

  /** From now on the run is released as soon as no step is in flight. */
  beginShutdown(): void {
    this.#shuttingDown = true;
  }

  checkQuiet(): void {
    if (this.#shuttingDown && this.#stepsInFlight === 0) this.#settle({ kind: "release" });
  }

  /** Park when every in-flight step is a sleep long enough to be worth freeing the worker. */
  #checkPark(): void {
    if (
      this.#isSettled() ||
      this.#parkOffers.size === 0 ||
      this.#parkOffers.size < this.#stepsInFlight
    )
      return;
    const until = new Date(
      Math.min(...[...this.#parkOffers].map((offer) => offer.deadline.getTime())),
    );
    this.#settle({ kind: "park", until });
  }
}
