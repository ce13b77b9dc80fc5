import { runCli } from "./cli.ts";

// `docket runs | head -1` closes stdout early: that is not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const code = await runCli(process.argv.slice(2));
// Exit once stdout and stderr are flushed: job modules or pools may hold the event loop open.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
