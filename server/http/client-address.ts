// The client's network address, for limits that apply before anyone is
// authenticated. Every hop that forwards a request appends the address it was
// connected from to X-Forwarded-For; only the entries appended by hops we run
// or trust (TRUST_PROXY of them) can be believed, anything left of those is
// whatever the client wrote. So the client is the entry TRUST_PROXY places
// left of the nearest hop's.
//
// Where the nearest hop's entry comes from:
// - `npm run service` (and the test stacks): the socket, read from the
//   @hono/node-server bindings (getConnInfo).
// - Next (`npm start`): a route handler gets no socket. Next's server sets
//   X-Forwarded-For from the socket only when the request has none
//   (`req.headers['x-forwarded-for'] ??= socket.remoteAddress`,
//   next/dist/server/base-server.js), so a client that sends its own would
//   choose its address. `installForwardedForHop()`, called from
//   instrumentation.ts in Next's process, makes that server append the socket
//   to every request's X-Forwarded-For as a proxy would; the service then
//   reads the chain alone.
import http from "node:http";
import { isIP, isIPv4 } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { AppContext } from "./env";

/** Entries read from X-Forwarded-For at most: the rest of a longer header is never looked at. */
const MAX_HOPS = 32;

/** The socket's address when the request came through @hono/node-server; undefined in-process (tests' `service.fetch`) or under Next. */
function socketAddress(c: AppContext): string | undefined {
  const env = c.env as { incoming?: unknown; server?: unknown } | undefined;
  if (!env || (env.incoming === undefined && env.server === undefined)) return undefined;
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** X-Forwarded-For's entries, nearest hop last. */
function forwardedFor(c: AppContext): string[] {
  const header = c.req.header("x-forwarded-for");
  if (!header) return [];
  const entries = header.split(",").map((e) => e.trim());
  return entries.slice(-MAX_HOPS);
}

/**
 * The client's address as a key: an IPv4 address, or an IPv6 address's /64
 * (one subscriber's network: an attacker holding a /64 gets no more tries for
 * having 2^64 addresses); undefined when the request carries no address at
 * all (an in-process call).
 */
export function clientAddress(c: AppContext, trustProxy: number): string | undefined {
  const chain = forwardedFor(c);
  const socket = socketAddress(c);
  if (socket !== undefined) chain.push(socket);
  if (chain.length === 0) return undefined;
  // Fewer entries than trusted hops: the leftmost is the furthest any hop saw.
  const entry = chain[Math.max(0, chain.length - 1 - trustProxy)]!;
  return addressKey(entry);
}

/** One X-Forwarded-For entry as a key: ports and brackets dropped, IPv4-mapped IPv6 as IPv4, IPv6 as its /64. */
export function addressKey(entry: string): string {
  let a = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  a = a.replace(/%.*$/, "").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) a = mapped[1]!;
  if (isIPv4(a)) return a;
  if (isIP(a) === 6) return `${ipv6Groups(a).slice(0, 4).join(":")}::/64`;
  // Not an address (a proxy's name, garbage): the text itself, kept short.
  return `?${a.slice(0, 64)}`;
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros. */
function ipv6Groups(a: string): string[] {
  let text = a;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [b0, b1, b2, b3] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16).toString(16));
}

const HOP_INSTALLED = Symbol.for("graph-notifications.forwarded-for-hop");

/**
 * Makes every HTTP server of this process append the socket's address to
 * each request's X-Forwarded-For before its handler sees the request, as a
 * reverse proxy does: for Next's own server, which otherwise keeps whatever
 * X-Forwarded-For the client sent. Idempotent. Requests that reached the
 * server before this ran (the moment between Next's listen and its
 * instrumentation) keep their header as sent.
 */
export function installForwardedForHop(): void {
  const proto = http.Server.prototype as http.Server & { [HOP_INSTALLED]?: true };
  if (proto[HOP_INSTALLED]) return;
  proto[HOP_INSTALLED] = true;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      const socket = req.socket?.remoteAddress;
      if (socket) {
        const prior = req.headers["x-forwarded-for"];
        req.headers["x-forwarded-for"] = prior ? `${String(prior)}, ${socket}` : socket;
      }
    }
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
}
