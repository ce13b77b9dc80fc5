/** Offers `text` as a file download named `fileName` (the browser's save dialog or downloads bar). */
export function downloadText(text: string, fileName: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled, or the download may not start.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** `Nightly clean-up` → `nightly-clean-up.workflow.json`. */
export function workflowFileName(name: string, version?: number): string {
  const slug =
    name
      .toLowerCase()
      .replaceAll(/[^a-z0-9]+/g, "-")
      .replaceAll(/^-+|-+$/g, "")
      .slice(0, 60) || "workflow";
  return `${slug}${version ? `.v${version}` : ""}.workflow.json`;
}
