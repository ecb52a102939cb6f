import { afterEach, describe, expect, it, vi } from "vitest";
import { readinessOf } from "@/server/health";
import { ServiceStoppingError, type OpenService } from "@/server/index";

const getService = vi.fn<OpenService>();
// The route serves the entry module's handler; here that handler opens a service this test controls.
vi.mock("@/server/index", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/server/index")>();
  return { ...actual, handleGraphRequest: actual.createGraphHandler(() => getService()) };
});

const route = await import("@/app/graph/[...path]/route");
const { GET } = route;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the /graph route when the service cannot open", () => {
  it("answers Graph's 503 with Retry-After, request-id and the caller's client-request-id echoed", async () => {
    getService.mockRejectedValueOnce(new Error("lock held"));
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await GET(new Request("http://app.test/graph/beta/me/notifications", { headers: { "client-request-id": "abc-123" } }));
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.get("client-request-id")).toBe("abc-123");
    const body = (await res.json()) as { error: { code: string; innerError: Record<string, string> } };
    expect(body.error.code).toBe("serviceNotAvailable");
    expect(body.error.innerError["request-id"]).toBe(res.headers.get("request-id"));
    expect(body.error.innerError["client-request-id"]).toBe("abc-123");
    expect(body.error.innerError.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it("does not echo a client-request-id that is not 1-128 visible ASCII characters", async () => {
    getService.mockRejectedValueOnce(new Error("lock held"));
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await GET(new Request("http://app.test/graph/beta/me/notifications", { headers: { "client-request-id": "x".repeat(129) } }));
    expect(res.status).toBe(503);
    expect(res.headers.get("client-request-id")).toBeNull();
    const body = (await res.json()) as { error: { innerError: Record<string, string> } };
    expect(body.error.innerError).not.toHaveProperty("client-request-id");
  });

  it("answers 503 quietly while the process stops (stopService), saying so, and /readyz fails", async () => {
    getService.mockRejectedValueOnce(new ServiceStoppingError());
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await GET(new Request("http://app.test/graph/beta/me/notifications"));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.json()).toMatchObject({ error: { code: "serviceNotAvailable", message: expect.stringMatching(/shutting down/) } });
    expect(logged).not.toHaveBeenCalled();
    const ready = await readinessOf(() => Promise.reject(new ServiceStoppingError()));
    expect(ready.status).toBe(503);
  });

  it("hands every request to the service once it is open", async () => {
    const answer = new Response("ok");
    getService.mockResolvedValueOnce({ fetch: () => Promise.resolve(answer) });
    expect(await GET(new Request("http://app.test/graph/beta/me/notifications"))).toBe(answer);
  });

  it("serves every HTTP method through the same handler", () => {
    for (const method of ["POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD"] as const) expect(route[method]).toBe(GET);
  });
});
