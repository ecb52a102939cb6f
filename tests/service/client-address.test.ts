// The client address the limits before authentication key on. Under Next the
// service gets no socket: Next's server sets X-Forwarded-For from the socket
// only when the client sent none (`??=`, next/dist/server/base-server.js), so
// instrumentation.ts installs a hop that appends the socket to every request's
// header. Here a plain Node server stands in for Next's: it hands the service
// a Request built from the headers alone, through the same handler the
// /graph route uses (createGraphHandler), and a client rotating spoofed
// X-Forwarded-For values is still one address.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGraphHandler, installForwardedForHop, startService, type Service } from "../../server";
import { DEFAULT_RATE_LIMIT, loadConfig } from "../../server/config";
import { addressKey } from "../../server/http/client-address";

describe("addressKey", () => {
  it("keeps IPv4 addresses, drops ports and brackets, and unwraps IPv4-mapped IPv6", () => {
    expect(addressKey("203.0.113.9")).toBe("203.0.113.9");
    expect(addressKey(" 203.0.113.9:51234 ")).toBe("203.0.113.9");
    expect(addressKey("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(addressKey("[::ffff:203.0.113.9]:443")).toBe("203.0.113.9");
  });

  it("keys IPv6 by its /64, however it is written", () => {
    const key = "2001:db8:0:1::/64";
    expect(addressKey("2001:db8:0:1::1")).toBe(key);
    expect(addressKey("2001:0db8:0000:0001:ffff:ffff:ffff:ffff")).toBe(key);
    expect(addressKey("[2001:DB8:0:1:0:0:0:abcd]:8080")).toBe(key);
    expect(addressKey("2001:db8:0:1::1.2.3.4")).toBe(key);
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
  });

  it("keeps anything else as text, short", () => {
    expect(addressKey("unknown")).toBe("?unknown");
    expect(addressKey("x".repeat(200))).toHaveLength(65);
  });
});

describe("under Next: the hop that reports the socket", () => {
  let service: Service;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    installForwardedForHop();
    // No token here is ever verified against keys (all are malformed), so no provider is needed.
    service = await startService({
      ...loadConfig({ DATA_DIR: "memory://" }),
      seedDemo: false,
      rateLimit: { ...DEFAULT_RATE_LIMIT, failedAuthPerMinute: 3 },
      trustProxy: 0,
    });
    const handle = createGraphHandler(() => Promise.resolve(service));
    // As Next's route handler: the request without the server's bindings (no socket).
    server = createServer(getRequestListener((req) => handle(req)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => {
      server?.close(r);
      server?.closeAllConnections();
    });
    await service?.close();
  });

  it("appends the socket to X-Forwarded-For, so a client's own entries cannot choose its address", async () => {
    const bad = (spoofed?: string) =>
      fetch(`${origin}/graph/beta/me/notifications`, { headers: { authorization: "Bearer wrong", ...(spoofed ? { "x-forwarded-for": spoofed } : {}) } });
    expect((await bad("203.0.113.1")).status).toBe(401);
    expect((await bad("203.0.113.2, 198.51.100.2")).status).toBe(401);
    expect((await bad()).status).toBe(401);
    const refused = await bad("203.0.113.4");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("activityLimitReached");
  });
});
