import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The longest test files, longest first (seconds measured in CI on 2 cores).
 * Starting them first keeps one of them from being the last file left running
 * while the other worker idles; the rest follow vitest's usual order.
 */
const slowestFirst = [
  "test/records.scale.test.ts", // 257 s: a million items, worker killed twice
  "test/cli.records.test.ts", // 154 s
  "test/cli.commands.test.ts", // 75 s
  "test/runner.durability.test.ts", // 58 s
  "test/designer.run.test.ts", // 58 s
  "test/workflows.durability.test.ts", // 54 s
  "test/gates.test.ts", // 45 s
  "test/designer.workflows.test.ts", // 41 s
];

function rankOf(spec: TestSpecification): number {
  const rank = slowestFirst.findIndex((file) => spec.moduleId.endsWith(file));
  return rank === -1 ? slowestFirst.length : rank;
}

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const usual = await super.sort(files);
    return usual
      .map((spec, index) => ({ spec, index }))
      .sort((a, b) => rankOf(a.spec) - rankOf(b.spec) || a.index - b.index)
      .map(({ spec }) => spec);
  }
}
