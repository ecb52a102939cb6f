// Small HTTP client and Graph-shaped assertions shared by the integration suites.
// Everything goes over real HTTP to the stack; nothing here knows the service's internals.
import { createECDH, randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { Stack } from "../../testing/stack";

export const GRAPH_JSON =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Microsoft's documented sample request body, byte for byte. */
export const MICROSOFT_SAMPLE_BODY =
  '{"targetHostName":"graphnotifications.sample.windows.com","appNotificationId":"sampleRawNotification",' +
  '"payload":{"rawContent":"Hello World!"},' +
  '"targetPolicy":{"platformTypes":["windows","ios","android"]},' +
  '"priority":"High","displayTimeToLive":"60"}';

export interface CallOptions {
  method?: string;
  /** Bearer token; omit for an anonymous request. */
  token?: string;
  /** Serialized as JSON with `content-type: application/json`. */
  json?: unknown;
  /** Sent as is (for bodies that are deliberately not JSON). */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  body: T;
}

export interface Notification {
  id: string;
  targetHostName: string;
  appNotificationId?: string | null;
  groupName: string | null;
  payload: { rawContent?: string; visualContent?: { title: string; body?: string } };
  priority: "None" | "High" | "Low";
  displayTimeToLive?: number | null;
  expirationDateTime: string;
  targetPolicy?: { platformTypes: string[] };
  fallbackPolicy?: { fallbackDelayInSeconds?: number } | null;
  readState: "unread" | "read";
  userActionState: "noInteraction" | "activated" | "dismissed" | "snoozed";
  snoozedUntilDateTime: string | null;
  status: "active" | "deleted";
  createdDateTime: string;
  lastModifiedDateTime: string;
  "@odata.etag": string;
}

export interface Page<T = Notification> {
  "@odata.context"?: string;
  "@odata.count"?: number;
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
  value: T[];
}

export interface GraphError {
  error: { code: string; message: string; innerError: Record<string, string> };
}

/** `pathOrUrl` is either relative to the base URL (`/me/notifications`) or absolute (a nextLink). */
export async function call<T = unknown>(stack: Stack, pathOrUrl: string, opts: CallOptions = {}): Promise<CallResult<T>> {
  const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${stack.baseUrl}${pathOrUrl}`;
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Uint8Array | undefined = opts.raw;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers["content-type"] ??= "application/json";
  }
  if (typeof opts.raw === "string") headers["content-type"] ??= "application/json";
  // A copy gives a Uint8Array over a plain ArrayBuffer, which is what fetch's BodyInit accepts.
  const payload = typeof body === "string" || body === undefined ? body : new Uint8Array(body);
  const res = await fetch(url, { method: opts.method ?? (body === undefined ? "GET" : "POST"), headers, body: payload });
  return readResult<T>(res);
}

/** A response's status, headers, text, and body parsed as JSON (undefined when it is not JSON). */
export async function readResult<T = unknown>(res: Response): Promise<CallResult<T>> {
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed as T };
}

/** A valid create body with a visual payload; `overrides` replace top-level properties. */
export function visualNotification(title: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    targetHostName: "tests.contoso.test",
    payload: { visualContent: { title, body: `Body of ${title}` } },
    ...overrides,
  };
}

export async function postToMe(stack: Stack, token: string, body: unknown): Promise<CallResult<Notification>> {
  return call<Notification>(stack, "/me/notifications", { method: "POST", token, json: body });
}

/** Creates a notification for the token's user and returns the full item (GET after POST). */
export async function createForMe(stack: Stack, token: string, body: unknown): Promise<Notification> {
  const created = await postToMe(stack, token, body);
  expect(created.status, created.text).toBe(201);
  return getOne(stack, token, (created.body as { id: string }).id);
}

export async function getOne(stack: Stack, token: string, id: string): Promise<Notification> {
  const res = await call<Notification>(stack, `/me/notifications/${id}`, { token });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** The text/plain `$count` for a filter (or none). */
export async function countOf(stack: Stack, token: string, filter?: string): Promise<number> {
  const query = filter ? `?$filter=${encodeURIComponent(filter)}` : "";
  const res = await call(stack, `/me/notifications/$count${query}`, { token });
  expect(res.status, res.text).toBe(200);
  expect(res.text.trim()).toMatch(/^\d+$/);
  return Number(res.text.trim());
}

/** Follows nextLinks from `firstPath` to the end; returns every page. */
export async function allPages<T = Notification>(
  stack: Stack,
  token: string,
  firstPath: string,
  headers: Record<string, string> = {},
): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let next: string | undefined = firstPath;
  while (next) {
    const res: CallResult<Page<T>> = await call<Page<T>>(stack, next, { token, headers });
    expect(res.status, res.text).toBe(200);
    pages.push(res.body);
    next = res.body["@odata.nextLink"];
    if (pages.length > 1000) throw new Error("nextLink never ended");
  }
  return pages;
}

/** Ids of every item a list query returns across all its pages. */
export async function listIds(stack: Stack, token: string, query = ""): Promise<string[]> {
  const pages = await allPages(stack, token, `/me/notifications${query}`);
  return pages.flatMap((page) => page.value.map((item) => item.id));
}

/**
 * Asserts a Graph error: status, code, a message naming `field` (when given), the request id in
 * both the header and innerError, and the client-request-id echoed when one was sent.
 */
export function expectGraphError(
  res: CallResult,
  status: number,
  code: string,
  field?: string | RegExp,
  clientRequestId?: string,
): void {
  expect(res.status, res.text).toBe(status);
  const body = res.body as GraphError;
  expect(body, `not a Graph error body: ${res.text}`).toMatchObject({ error: { code } });
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  if (field !== undefined) {
    if (typeof field === "string") expect(body.error.message).toContain(field);
    else expect(body.error.message).toMatch(field);
  }
  const requestId = res.headers.get("request-id");
  expect(requestId, "request-id header").toBeTruthy();
  expect(body.error.innerError["request-id"]).toBe(requestId);
  expect(body.error.innerError.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
  if (clientRequestId !== undefined) {
    expect(res.headers.get("client-request-id")).toBe(clientRequestId);
    expect(body.error.innerError["client-request-id"]).toBe(clientRequestId);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `task` for every element, at most `width` at a time, keeping the input order in the result. */
export async function inBatches<T, R>(items: T[], width: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += width) {
    const batch = items.slice(start, start + width);
    results.push(...(await Promise.all(batch.map((item, offset) => task(item, start + offset)))));
  }
  return results;
}

/** An endpoint (push subscription) as GET/POST /me/notifications/subscriptions return it. */
export interface EndpointResource {
  id: string;
  platform: "webPush" | "web";
  targetHostName: string | null;
  appDisplayName: string | null;
  deviceName: string | null;
  createdDateTime: string;
  expirationDateTime: string;
  lastDeliveryDateTime: string | null;
  lastDeliveryResult: string | null;
  pushServiceHost: string | null;
}

export interface TestPushSubscription {
  endpoint: string;
  expirationTime: number | null;
  keys: { p256dh: string; auth: string };
}

/**
 * A browser-shaped push subscription with real P-256 keys, on `origin` (default FCM, which the
 * service allows out of the box and never contacts at registration).
 */
export function newPushSubscription(origin = "https://fcm.googleapis.com"): TestPushSubscription {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    endpoint: `${origin}/fcm/send/${randomBytes(12).toString("base64url")}:APA91b${randomBytes(24).toString("base64url")}`,
    expirationTime: null,
    keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") },
  };
}

export async function registerEndpoint(
  stack: Stack,
  token: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<CallResult<EndpointResource>> {
  return call<EndpointResource>(stack, "/me/notifications/subscriptions", { method: "POST", token, json: body, headers });
}
