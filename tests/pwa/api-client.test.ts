import { describe, expect, it } from "vitest";
import { ApiClient } from "@/lib/api/client";
import { ApiError, apiErrorFromResponse, parseRetryAfter } from "@/lib/api/errors";

function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return new Response(
    JSON.stringify({ error: { code, message, innerError: { "request-id": "req-1", "client-request-id": "c-1", date: "2026-11-27T01:02:03" } } }),
    { status, headers: { "Content-Type": "application/json", ...headers } },
  );
}

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(responses: Response[]) {
  const calls: Call[] = [];
  const fetch = async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = responses.shift();
    if (!next) throw new Error("no more responses");
    return next;
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

function client(responses: Response[], extra: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) {
  const fake = fakeFetch(responses);
  const slept: number[] = [];
  let tokens = 0;
  const api = new ApiClient({
    baseUrl: "/graph/beta/",
    getToken: async () => `token-${++tokens}`,
    fetch: fake.fetch,
    sleep: async (ms) => void slept.push(ms),
    newRequestId: () => "crid-1",
    ...extra,
  });
  return { api, calls: fake.calls, slept };
}

describe("apiErrorFromResponse", () => {
  it("reads status, Graph code, message and request-id from a Graph error body", async () => {
    const error = await apiErrorFromResponse(graphError(404, "itemNotFound", "Not found"));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: "itemNotFound", message: "Not found", requestId: "req-1", clientRequestId: "c-1" });
  });

  it("falls back to the status and the request-id header when the body is not JSON", async () => {
    const error = await apiErrorFromResponse(new Response("<html>bad gateway</html>", { status: 502, headers: { "request-id": "hdr-9" } }), "mine");
    expect(error).toMatchObject({ status: 502, code: "generalException", requestId: "hdr-9", clientRequestId: "mine" });
    expect(error.message).toContain("502");
  });

  it("maps a bare 401 to unauthenticated", async () => {
    expect((await apiErrorFromResponse(new Response("", { status: 401 }))).code).toBe("unauthenticated");
  });
});

describe("parseRetryAfter", () => {
  it("accepts seconds and HTTP dates", () => {
    expect(parseRetryAfter("7")).toBe(7);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("ApiClient", () => {
  it("sends a fresh token and a client-request-id with every request", async () => {
    const { api, calls } = client([
      Response.json({ value: [] }),
      Response.json({ value: [] }),
    ]);
    await api.listNotifications({ view: "all" });
    await api.listNotifications({ view: "unread" });
    const headers = calls.map((c) => c.init.headers as Record<string, string>);
    expect(headers[0]!.Authorization).toBe("Bearer token-1");
    expect(headers[1]!.Authorization).toBe("Bearer token-2");
    expect(headers[0]!["client-request-id"]).toBe("crid-1");
    expect(calls[0]!.url).toBe("/graph/beta/me/notifications?$top=50&$orderby=createdDateTime%20desc");
  });

  it("follows a nextLink exactly as the service gave it", async () => {
    const next = "http://localhost:3401/graph/beta/me/notifications?$skiptoken=opaque%2Bvalue&$top=25";
    const { api, calls } = client([Response.json({ value: [] })]);
    await api.listPage(next);
    expect(calls[0]!.url).toBe(next);
  });

  it("refuses a nextLink outside the API base, before asking for a token", async () => {
    let tokens = 0;
    const fake = fakeFetch([]);
    const api = new ApiClient({
      baseUrl: "https://api.example/graph/beta",
      getToken: async () => `token-${++tokens}`,
      fetch: fake.fetch,
    });
    for (const link of [
      "https://evil.example/graph/beta/me/notifications?$skiptoken=x",
      "http://api.example/graph/beta/me/notifications?$skiptoken=x",
      "https://api.example/graph/betamax/me/notifications",
      "https://api.example/graph/beta/../other/me/notifications",
      "//evil.example/graph/beta/me/notifications",
    ]) {
      await expect(api.listPage(link)).rejects.toMatchObject({ name: "ApiError", code: "invalidResponse" });
    }
    expect(fake.calls).toHaveLength(0);
    expect(tokens).toBe(0);
    await expect(
      client([]).api.listPage("/elsewhere/me/notifications?$skiptoken=x"),
    ).rejects.toMatchObject({ code: "invalidResponse" });
  });

  it("follows a nextLink on the API's own origin and path", async () => {
    const fake = fakeFetch([Response.json({ value: [] })]);
    const api = new ApiClient({ baseUrl: "https://api.example/graph/beta/", getToken: async () => "t", fetch: fake.fetch });
    const next = "https://api.example/graph/beta/me/notifications?$skiptoken=abc";
    await api.listPage(next);
    expect(fake.calls.map((c) => c.url)).toEqual([next]);
  });

  it("waits out Retry-After on 429 and 503, then succeeds", async () => {
    const { api, calls, slept } = client([
      graphError(429, "activityLimitReached", "Slow down", { "Retry-After": "2" }),
      graphError(503, "serviceNotAvailable", "Busy", { "Retry-After": "1" }),
      new Response("3", { status: 200, headers: { "Content-Type": "text/plain" } }),
    ]);
    await expect(api.count()).resolves.toBe(3);
    expect(slept).toEqual([2000, 1000]);
    expect(calls).toHaveLength(3);
    expect(decodeURIComponent(calls[0]!.url)).toBe("/graph/beta/me/notifications/$count?$filter=readState eq 'unread' and status eq 'active'");
  });

  it("gives up after its retries and throws the last error with its Retry-After", async () => {
    const { api, calls } = client(
      [graphError(429, "activityLimitReached", "a", { "Retry-After": "1" }), graphError(429, "activityLimitReached", "b", { "Retry-After": "4" })],
      { maxRetries: 1 },
    );
    await expect(api.getNotification("x")).rejects.toMatchObject({ status: 429, code: "activityLimitReached", message: "b", retryAfterSeconds: 4 });
    expect(calls).toHaveLength(2);
  });

  it("does not sit through a Retry-After longer than it is willing to wait", async () => {
    const { api, slept } = client([graphError(503, "serviceNotAvailable", "Down", { "Retry-After": "120" })]);
    await expect(api.markAllAsRead()).rejects.toMatchObject({ status: 503, retryAfterSeconds: 120 });
    expect(slept).toEqual([]);
  });

  it("does not retry other errors", async () => {
    const { api, calls } = client([graphError(412, "resourceModified", "Stale")]);
    await expect(api.updateNotification("id 1", { readState: "read" }, 'W/"1"')).rejects.toMatchObject({ status: 412, code: "resourceModified" });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe("/graph/beta/me/notifications/id%201");
    expect(calls[0]!.init.method).toBe("PATCH");
    expect((calls[0]!.init.headers as Record<string, string>)["If-Match"]).toBe('W/"1"');
    expect(calls[0]!.init.body).toBe('{"readState":"read"}');
  });

  it("sends changes with keepalive, so a delete flushed as the page closes still arrives, and reads without it", async () => {
    const { api, calls } = client([new Response(null, { status: 204 }), new Response("3", { status: 200 })]);
    await api.deleteNotification("n1");
    await api.count();
    expect(calls.map((c) => [c.init.method, c.init.keepalive])).toEqual([
      ["DELETE", true],
      ["GET", false],
    ]);
  });

  it("turns a failed fetch into a networkError with status 0", async () => {
    const api = new ApiClient({
      baseUrl: "/graph/beta",
      getToken: async () => "t",
      fetch: (async () => {
        throw new TypeError("Failed to fetch");
      }) as typeof fetch,
    });
    await expect(api.deleteNotification("a")).rejects.toMatchObject({ status: 0, code: "networkError" });
  });

  it("rejects a $count answer that is not an integer", async () => {
    const { api } = client([new Response("{}", { status: 200 })]);
    await expect(api.count()).rejects.toMatchObject({ code: "invalidResponse" });
  });
});
