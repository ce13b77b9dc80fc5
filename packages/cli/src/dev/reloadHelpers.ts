import { registerHooks } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * Makes a job file imported as `x.ts?v=N` import the helpers beside it in the
 * jobs directory as `helper.ts?v=N` too, so a reload re-reads an edited helper
 * (Node caches each module by its URL; `loadJobSources` busts only the job
 * files'). Modules outside the directory (@docket/sdk, xstate …) stay cached.
 */
export function reloadHelpersWithJobs(jobsDir: string): void {
  const dirUrl = pathToFileURL(jobsDir).href.replace(/\/?$/, "/");
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      const parent = context.parentURL;
      if (!parent?.startsWith(dirUrl) || !resolved.url.startsWith(dirUrl)) return resolved;
      const version = new URL(parent).searchParams.get("v");
      if (version === null || resolved.url.includes("?")) return resolved;
      return { ...resolved, url: `${resolved.url}?v=${encodeURIComponent(version)}` };
    },
  });
}
