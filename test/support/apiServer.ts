import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApiOptions, createApiRequestHandler } from "@docket/api";
import type { Engine } from "@docket/engine";
import type { Role } from "@docket/sdk";

export interface ApiServer {
  /** The tRPC endpoint, e.g. `http://127.0.0.1:1234/api/trpc`. */
  readonly url: string;
  /** `http://127.0.0.1:1234`. */
  readonly origin: string;
  /** Name of the user the token acts as. */
  readonly userName: string;
  /** `{ authorization: "Bearer …" }` for fetch and tRPC clients. */
  readonly authHeaders: Readonly<Record<string, string>>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface ApiServerOptions {
  /** Role of the user whose API token `authHeaders` carries. Default admin. */
  readonly role?: Role;
  /** How the API serves (trusted proxy, upload limit …), as the CLI fills it from the environment. */
  readonly api?: ApiOptions;
}

/** The API over real HTTP on a free loopback port, as `docket start` serves it, with a user's token. */
export async function startApiServer(
  engine: Engine,
  options: ApiServerOptions = {},
): Promise<ApiServer> {
  const user = await engine.users.create({
    name: `api-${randomUUID().slice(0, 8)}`,
    role: options.role ?? "admin",
    password: randomUUID(),
  });
  const { secret } = await engine.users.createToken(user.id, { name: "tests" });
  const handler = createApiRequestHandler(engine, options.api);
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/api/")) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/api/trpc`,
    origin,
    userName: user.name,
    authHeaders: { authorization: `Bearer ${secret}` },
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
