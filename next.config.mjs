// @ts-check

/**
 * The designer (app/) is UI only: it imports the *type* of the API router and,
 * at runtime, only Docket's vocabulary (`@docket/sdk/vocabulary`, a file that
 * imports nothing), and talks to `/api/trpc` over HTTP. That endpoint is served
 * by the Docket server (packages/cli) next to Next's request handler, so no
 * engine, pg, pg-boss, kysely, zod or xstate code is ever bundled.
 * `transpilePackages` compiles the SDK's TypeScript source for the vocabulary.
 *
 * @type {import("next").NextConfig}
 */
const nextConfig = {
  // Separate build directories let tests and parallel builds avoid each other's output.
  distDir: process.env.DOCKET_NEXT_DIR ?? ".next",
  transpilePackages: ["@docket/sdk"],
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  typescript: {
    // `docket start` builds with DOCKET_NEXT_TYPECHECK=0: types are checked by `npm run typecheck`
    // and CI, and a first start should neither wait 30-50 s for it nor fail on a type error elsewhere.
    ignoreBuildErrors: process.env.DOCKET_NEXT_TYPECHECK === "0",
    // Bundler resolution and the React JSX runtime for the app only; the root
    // tsconfig stays NodeNext for the packages, and Next does not rewrite it.
    tsconfigPath: "app/tsconfig.json",
  },
  // The repository root, so Turbopack never guesses a parent directory.
  turbopack: { root: import.meta.dirname },
  outputFileTracingRoot: import.meta.dirname,
};

export default nextConfig;
