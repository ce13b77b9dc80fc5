#!/usr/bin/env node
// The `docket` command. Node runs the TypeScript sources directly (type stripping),
// which needs Node 22.18+ (or 23.6+); say so instead of failing on a `.ts` import.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18) || (major === 23 && minor < 6)) {
  console.error(`docket needs Node.js 22.18 or newer (this is ${process.version}).`);
  process.exit(1);
}
// Cache the type-stripped and compiled modules on disk (NODE_COMPILE_CACHE, else the
// system's temp dir): every later `docket` command starts about twice as fast.
const { enableCompileCache } = await import("node:module");
enableCompileCache?.();
await import("../src/main.ts");
