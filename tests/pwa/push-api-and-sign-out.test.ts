import { afterEach, describe, expect, it, vi } from "vitest";
import type { IPublicClientApplication } from "@azure/msal-browser";
import { ApiClient } from "@/lib/api/client";
import { SIGN_OUT_CLEANUP_MS, signOut } from "@/lib/auth/token";

function recorder(body: unknown = {}, status = 200) {
  const calls: { url: string; headers: Record<string, string>; method: string; body?: string }[] = [];
  const fetch = (async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), headers: (init?.headers ?? {}) as Record<string, string>, method: init?.method ?? "GET", body: init?.body as string | undefined });
    return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

describe("API client: endpoints and X-Endpoint-Id", () => {
  it("sends X-Endpoint-Id once this browser's id is known, read on every request", async () => {
    const rec = recorder({ value: [] });
    const known: { id?: string } = {};
    const api = new ApiClient({ baseUrl: "/graph/beta", getToken: async () => "t", fetch: rec.fetch, endpointId: () => known.id });
    await api.listEndpoints();
    known.id = "ep-9";
    await api.listEndpoints();
    expect(rec.calls[0]?.headers["X-Endpoint-Id"]).toBeUndefined();
    expect(rec.calls[1]?.headers["X-Endpoint-Id"]).toBe("ep-9");
    expect(rec.calls[1]?.url).toBe("/graph/beta/me/notifications/subscriptions");
  });

  it("registers with POST and removes with DELETE of the escaped id", async () => {
    const rec = recorder({ id: "ep-1", platform: "web", createdDateTime: "x", expirationDateTime: "y" }, 201);
    const api = new ApiClient({ baseUrl: "/graph/beta", getToken: async () => "t", fetch: rec.fetch });
    const created = await api.registerEndpoint({ platform: "web", targetHostName: "localhost", appDisplayName: "Notifications inbox" });
    expect(created.id).toBe("ep-1");
    expect(rec.calls[0]).toMatchObject({ method: "POST", url: "/graph/beta/me/notifications/subscriptions" });
    expect(JSON.parse(rec.calls[0]!.body!)).toEqual({ platform: "web", targetHostName: "localhost", appDisplayName: "Notifications inbox" });
    const del = recorder(undefined, 204);
    await new ApiClient({ baseUrl: "/graph/beta", getToken: async () => "t", fetch: del.fetch }).deleteEndpoint("a/b");
    expect(del.calls[0]).toMatchObject({ method: "DELETE", url: "/graph/beta/me/notifications/subscriptions/a%2Fb" });
  });

  it("reads the VAPID key without a token and refuses a malformed one", async () => {
    const getToken = vi.fn(async () => "t");
    const ok = recorder({ key: "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U" });
    expect(await new ApiClient({ baseUrl: "/graph/beta", getToken, fetch: ok.fetch }).vapidPublicKey()).toMatch(/^BEl6/);
    expect(ok.calls[0]?.url).toBe("/graph/beta/notifications/vapidPublicKey");
    expect(ok.calls[0]?.headers.Authorization).toBeUndefined();
    expect(getToken).not.toHaveBeenCalled();
    const bad = recorder({ key: "<script>" });
    await expect(new ApiClient({ baseUrl: "/graph/beta", getToken, fetch: bad.fetch }).vapidPublicKey()).rejects.toThrow(/push key/);
  });
});

describe("sign-out unregisters this browser first", () => {
  afterEach(() => vi.useRealTimers());

  function fakeMsal() {
    const logoutRedirect = vi.fn(async () => {});
    const msal = {
      getActiveAccount: () => null,
      getAllAccounts: () => [],
      getConfiguration: () => ({ auth: { clientId: "inbox-web" } }),
      logoutRedirect,
    } as unknown as IPublicClientApplication;
    return { msal, logoutRedirect };
  }

  it("runs the clean-up before the provider's logout", async () => {
    const { msal, logoutRedirect } = fakeMsal();
    const order: string[] = [];
    logoutRedirect.mockImplementation(async () => void order.push("logout"));
    await signOut(msal, async () => void order.push("cleanup"));
    expect(order).toEqual(["cleanup", "logout"]);
  });

  it("goes on after the time limit when the clean-up hangs, and when it fails", async () => {
    vi.useFakeTimers();
    const { msal, logoutRedirect } = fakeMsal();
    const done = signOut(msal, () => new Promise(() => {}));
    await vi.advanceTimersByTimeAsync(SIGN_OUT_CLEANUP_MS - 1);
    expect(logoutRedirect).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2);
    await done;
    expect(logoutRedirect).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
    await signOut(msal, async () => Promise.reject(new Error("offline")));
    expect(logoutRedirect).toHaveBeenCalledTimes(2);
  });
});
