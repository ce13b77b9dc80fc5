import type { ServerResponse } from "node:http";

/** How often the placeholder page reloads itself while the designer is being prepared. */
const refreshSeconds = 5;

/**
 * Answers a designer request the designer cannot serve yet (503), or at all
 * (`refresh: false`), with a small page saying why (one paragraph per entry of
 * `message`) and pointing to the API, which answers meanwhile.
 */
export function sendPlaceholderPage(
  res: ServerResponse,
  message: string | readonly string[],
  options: { refresh: boolean; status?: number },
): void {
  const paragraphs = (typeof message === "string" ? [message] : message)
    .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
    .join("\n");
  const status = options.status ?? 503;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${options.refresh ? `<meta http-equiv="refresh" content="${refreshSeconds}">\n` : ""}<title>Docket</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:4rem auto;max-width:38rem;padding:0 1rem;color:#1f2933}code{background:#eef1f4;padding:0 .25rem;border-radius:3px}</style>
</head>
<body>
<h1>Docket</h1>
${paragraphs}
<p>The API answers at <code>/api/trpc</code>${options.refresh ? " meanwhile" : ""} (<a href="/api/trpc/health">health</a>); everything but sign-in and health needs a signed-in user or an API token.</p>
${options.refresh ? "<p>This page reloads itself.</p>\n" : ""}</body>
</html>
`;
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    ...(options.refresh ? { "retry-after": String(refreshSeconds) } : {}),
  });
  res.end(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
