// The Microsoft Graph JavaScript SDK (@microsoft/microsoft-graph-client) pointed at a test stack,
// with its default middleware chain (retry, redirect, telemetry, fetch). One link differs: the SDK's
// AuthenticationHandler sends the token only to Graph's hosts and to `customHosts` over https, and the
// stack listens on http://127.0.0.1, so here the first link sets the bearer token on every request.
import { Client, MiddlewareFactory, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import type { Stack } from "../../testing/stack";

class LoopbackAuthentication implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly token: () => Promise<string>) {}

  async execute(context: Context): Promise<void> {
    const options = (context.options ??= {});
    const headers = new Headers(options.headers as HeadersInit | undefined);
    headers.set("Authorization", `Bearer ${await this.token()}`);
    options.headers = Object.fromEntries(headers);
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** A Graph SDK client for the stack's service (`/graph/beta`), calling with `token`. */
export function graphClient(stack: Stack, token: string | (() => Promise<string>)): Client {
  const getToken = typeof token === "string" ? () => Promise.resolve(token) : token;
  const chain = MiddlewareFactory.getDefaultMiddlewareChain({ getAccessToken: getToken });
  chain[0] = new LoopbackAuthentication(getToken);
  const base = new URL(stack.baseUrl);
  const version = base.pathname.split("/").pop()!;
  return Client.initWithMiddleware({ middleware: chain, baseUrl: `${stack.baseUrl.slice(0, -version.length - 1)}`, defaultVersion: version });
}
