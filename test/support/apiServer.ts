import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createApiRequestHandler } from "@docket/api";
import type { Engine } from "@docket/engine";

export interface ApiServer {
  readonly url: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The API over real HTTP on a free loopback port, as `docket start` serves it. */
export async function startApiServer(engine: Engine): Promise<ApiServer> {
  const handler = createApiRequestHandler(engine);
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/api/")) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/trpc`,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
