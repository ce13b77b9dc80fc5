import { edgeKinds, toneColors } from "./DependencyGraph.tsx";
import styles from "./dependencyGraph.module.css";
import type { DependencyEdgeKind } from "./dependencyModel.ts";

/** What the dependency graph's colours and lines mean. */
export function DependencyLegend({
  categories,
  edgeKindsShown,
}: {
  readonly categories: readonly string[];
  /** Only the kinds of edges the graph has. */
  readonly edgeKindsShown: readonly DependencyEdgeKind[];
}) {
  return (
    <section aria-label="Legend">
      <ul className={styles.legend}>
        <li className={styles.legendTitle}>Categories</li>
        {categories.map((category, index) => {
          const colors = toneColors(index);
          return (
            <li key={category} className={styles.legendItem}>
              <span
                className={styles.legendSwatch}
                style={{ borderColor: colors.strong, background: colors.soft }}
                aria-hidden="true"
              />
              {category}
            </li>
          );
        })}
      </ul>
      <ul className={styles.legend}>
        <li className={styles.legendTitle}>Lines</li>
        {edgeKindsShown.map((kind) => (
          <li key={kind} className={styles.legendItem}>
            <span
              className={`${styles.legendLine} ${styles[`legendLine_${kind}`] ?? ""}`}
              aria-hidden="true"
            />
            {edgeKinds[kind].label}
          </li>
        ))}
        <li className={styles.legendItem}>
          <span className={styles.legendRunning} aria-hidden="true" />
          has running runs
        </li>
      </ul>
    </section>
  );
}
