import { describe, expect, it } from "vitest";
import { describeBuildStep } from "./buildProgress.ts";

/** What `next build` 16 wrote into a pipe, in order (from a real build of the designer). */
const outputSoFar = [
  "▲ Next.js 16.4.6 (Turbopack)\n✓ Running next.config.mjs took 20ms\n\n  Creating an optimized production build ...\n",
  "✓ Compiled successfully in 30.3s\n  Running TypeScript ...\n",
  "  Finished TypeScript in 30.2s ...\n  Collecting page data using 1 worker ...\n  Generating static pages using 1 worker (0/15) ...\n  Generating static pages using 1 worker (3/15) \n",
  "✓ Generating static pages using 1 worker (15/15) in 954ms\n  Finalizing page optimization ...\n\nRoute (app)\n┌ ○ /\n├ ƒ /jobs/[id]\n└ ○ /workflows/new\n\n○  (Static)   prerendered as static content\n",
];

function after(chunks: number): string {
  return outputSoFar.slice(0, chunks).join("");
}

describe("describeBuildStep", () => {
  it("names the step next build is at, from its last status line", () => {
    expect(describeBuildStep("")).toBeNull();
    expect(describeBuildStep("▲ Next.js 16.4.6 (Turbopack)\n")).toBeNull();
    expect(describeBuildStep(after(1))).toBe("Creating an optimized production build…");
    expect(describeBuildStep(after(2))).toBe("Running TypeScript…");
    expect(describeBuildStep(after(3))).toBe("Generating static pages using 1 worker (3/15)");
    // The route table printed at the end is not a step.
    expect(describeBuildStep(after(4))).toBe("Finalizing page optimization…");
  });

  it("ignores colour codes", () => {
    expect(describeBuildStep("\u001b[32m✓\u001b[39m Compiled successfully in 16.0s\n")).toBe(
      "Compiled successfully in 16.0s",
    );
  });
});
