// The API client's support reads: the exact URLs and OData options, the reason header on every read
// of another user's data (and only there), next links followed with it, errors as ApiError.
import { describe, expect, it } from "vitest";
import { ApiClient } from "@/lib/api/client";
import { buildAccessLogQuery, buildDirectoryQuery, buildNotificationEventsQuery, buildSupportFilter, buildSupportListQuery } from "@/lib/api/query";
import { SUPPORT_REASON_HEADER, decodeSupportReason } from "@/contracts/support";

interface Call {
  url: string;
  headers: Record<string, string>;
  method: string;
}

function client(responses: Response[]) {
  const calls: Call[] = [];
  const api = new ApiClient({
    baseUrl: "https://app.example/graph/beta",
    getToken: async () => "token",
    fetch: (async (url: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(url), headers: (init?.headers ?? {}) as Record<string, string>, method: init?.method ?? "GET" });
      const next = responses.shift();
      if (!next) throw new Error("no more responses");
      return next;
    }) as typeof fetch,
    sleep: async () => {},
    newRequestId: () => "crid",
  });
  return { api, calls };
}

const decoded = (url: string) => decodeURIComponent(url);

describe("support's OData options", () => {
  it.each([
    ["all", undefined],
    ["unread", "readState eq 'unread'"],
    ["read", "readState eq 'read'"],
    ["noInteraction", "userActionState eq 'noInteraction'"],
    ["activated", "userActionState eq 'activated'"],
    ["dismissed", "userActionState eq 'dismissed'"],
    ["snoozed", "userActionState eq 'snoozed'"],
    ["deleted", "status eq 'deleted'"],
  ] as const)("state %s → %s", (state, filter) => {
    expect(buildSupportFilter({ state })).toBe(filter);
  });

  it("joins group and priority, quoting the group", () => {
    expect(buildSupportFilter({ state: "deleted", group: "Bob's builds", priority: "High" })).toBe("status eq 'deleted' and groupName eq 'Bob''s builds' and priority eq 'High'");
  });

  it("builds the list query like the user's own: $top, newest first, $filter, $search", () => {
    expect(decoded(buildSupportListQuery({ state: "snoozed", search: 'deploy "77"' }, 25))).toBe(
      `$top=25&$orderby=createdDateTime desc&$filter=userActionState eq 'snoozed'&$search="deploy 77"`,
    );
  });

  it("searches the directory with a quoted phrase and $top=20", () => {
    expect(buildDirectoryQuery("meg")).toBe("$search=%22meg%22&$top=20");
  });

  it("filters the event log by notification and the access log by user", () => {
    expect(decoded(buildNotificationEventsQuery("n'1"))).toBe("$filter=notificationId eq 'n''1'");
    expect(decoded(buildAccessLogQuery("u1", 50))).toBe("$filter=userId eq 'u1'&$top=50");
    expect(buildAccessLogQuery(undefined, 20)).toBe("$top=20");
  });
});

describe("ApiClient support reads", () => {
  // Any text: the header carries it percent-encoded as UTF-8.
  const reason = "TICKET-42 – Zoë’s phone gets no push 🔔";
  const encoded = "TICKET-42%20%E2%80%93%20Zo%C3%AB%E2%80%99s%20phone%20gets%20no%20push%20%F0%9F%94%94";

  it("encodes the reason so any text survives a header, and the service reads it back", () => {
    expect(decodeSupportReason(encoded)).toBe(reason);
  });

  it("searches users with no reason header (nothing of one user is read)", async () => {
    const { api, calls } = client([Response.json({ value: [{ id: "m", displayName: "Megan", userPrincipalName: "megan@x", lastSeenDateTime: null }] })]);
    const page = await api.searchUsers("meg");
    expect(page.value[0]!.displayName).toBe("Megan");
    expect(calls[0]!.url).toBe("https://app.example/graph/beta/users?$search=%22meg%22&$top=20");
    expect(calls[0]!.headers[SUPPORT_REASON_HEADER]).toBeUndefined();
    expect(calls[0]!.headers.Authorization).toBe("Bearer token");
  });

  it("sends the reason on every read of the user's data", async () => {
    const { api, calls } = client([
      Response.json({ id: "m" }),
      Response.json({ value: [], "@odata.nextLink": "https://app.example/graph/beta/users/m/notifications?$skiptoken=abc" }),
      Response.json({ value: [] }),
      Response.json({ id: "n1" }),
      Response.json({ value: [] }),
      Response.json({ value: [] }),
      Response.json({ value: [] }),
    ]);
    await api.getUserSummary("m", reason);
    const first = await api.listUserNotifications("m", { state: "all" }, reason);
    await api.listUserNotificationsPage(first["@odata.nextLink"]!, reason);
    await api.getUserNotification("m", "n1", reason);
    await api.listUserEndpoints("m", reason);
    await api.listDeliveries("m", "n1", reason);
    await api.listNotificationEvents("m", "n1", reason);
    expect(calls.map((c) => c.url.replace("https://app.example/graph/beta", ""))).toEqual([
      "/users/m",
      "/users/m/notifications?$top=50&$orderby=createdDateTime%20desc",
      "/users/m/notifications?$skiptoken=abc",
      "/users/m/notifications/n1",
      "/users/m/notifications/subscriptions",
      "/users/m/notifications/n1/deliveries",
      "/users/m/notifications/events?$filter=notificationId%20eq%20'n1'",
    ]);
    expect(calls.map((c) => c.headers[SUPPORT_REASON_HEADER])).toEqual(Array(7).fill(encoded));
    expect(calls.every((c) => c.method === "GET")).toBe(true);
  });

  it("follows the event log's pages, with the reason, and stops at a bound", async () => {
    const next = (n: number) => `https://app.example/graph/beta/users/m/notifications/events?$skiptoken=${n}`;
    const pages = Array.from({ length: 12 }, (_, n) => Response.json({ value: [{ id: `e${n}` }], "@odata.nextLink": next(n + 1) }));
    const { api, calls } = client(pages);
    const events = await api.listNotificationEvents("m", "n1", reason);
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, n) => `e${n}`));
    expect(calls).toHaveLength(10);
    expect(calls.every((c) => c.headers[SUPPORT_REASON_HEADER] === encoded)).toBe(true);
  });

  it("refuses a next link outside the API, before sending the reason anywhere", async () => {
    const { api, calls } = client([]);
    await expect(api.listUserNotificationsPage("https://evil.example/graph/beta/users/m/notifications", reason)).rejects.toMatchObject({ code: "invalidResponse" });
    expect(calls).toHaveLength(0);
  });

  it("reads the access logs without a reason", async () => {
    const { api, calls } = client([Response.json({ value: [] }), Response.json({ value: [] }), Response.json({ value: [] })]);
    await api.accessLogAbout("m");
    await api.myAccessLog();
    await api.myAccessLogPage("https://app.example/graph/beta/me/notifications/accessLog?$skiptoken=x");
    expect(calls.map((c) => decoded(c.url.replace("https://app.example/graph/beta", "")))).toEqual([
      "/auditLogs/notificationAccess?$filter=userId eq 'm'&$top=50",
      "/me/notifications/accessLog?$top=20",
      "/me/notifications/accessLog?$skiptoken=x",
    ]);
    expect(calls.every((c) => c.headers[SUPPORT_REASON_HEADER] === undefined)).toBe(true);
  });

  it("turns the service's refusals into ApiError: 400 without a reason, 403 for non-support", async () => {
    const graphError = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });
    const { api } = client([graphError(400, "invalidRequest", "X-Support-Reason is required"), graphError(403, "accessDenied", "Support only")]);
    await expect(api.getUserSummary("m", "")).rejects.toMatchObject({ name: "ApiError", status: 400, message: "X-Support-Reason is required" });
    await expect(api.searchUsers("m")).rejects.toMatchObject({ name: "ApiError", status: 403, code: "accessDenied" });
  });

  it("encodes user and notification ids in the path", async () => {
    const { api, calls } = client([Response.json({ value: [] })]);
    await api.listDeliveries("a/b", "n?1", reason);
    expect(calls[0]!.url).toBe("https://app.example/graph/beta/users/a%2Fb/notifications/n%3F1/deliveries");
  });
});
