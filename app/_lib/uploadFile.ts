/** A stored upload, as `POST /api/uploads` answers. */
export interface UploadedFile {
  readonly id: string;
  readonly name: string;
  readonly bytes: number;
}

/**
 * Sends a file to `POST /api/uploads` as the raw body. XMLHttpRequest rather
 * than fetch: only it reports upload progress, which a 50 MB file needs.
 */
export function uploadFile(
  file: File,
  options: { readonly signal: AbortSignal; readonly onProgress: (sent: number) => void },
): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `/api/uploads?name=${encodeURIComponent(file.name)}`);
    request.setRequestHeader("content-type", file.type || "application/octet-stream");
    request.upload.onprogress = (event) => options.onProgress(event.loaded);
    request.onload = () => {
      const body = parseJson(request.responseText) as (UploadedFile & { error?: string }) | null;
      if (request.status === 201 && body && !body.error) resolve(body);
      else reject(new Error(body?.error ?? `the server answered ${request.status}`));
    };
    request.onerror = () => reject(new Error("the connection to Docket failed"));
    options.signal.addEventListener("abort", () => request.abort());
    request.send(file);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
