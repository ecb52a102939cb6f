// Typed client for the notifications API. Every request asks getToken() for a fresh token (MSAL's
// silent path caches and renews; we never keep one), sends a client-request-id, waits out
// Retry-After on 429/503 a bounded number of times, and throws ApiError for anything else non-2xx.
import { ApiError, apiErrorFromResponse } from "./errors";
import {
  UNREAD_COUNT_FILTER,
  buildAccessLogQuery,
  buildDirectoryQuery,
  buildListQuery,
  buildNotificationEventsQuery,
  buildSupportListQuery,
  type InboxFilters,
  type SupportInboxFilters,
} from "./query";
import { ACTION_TIME_HEADER, SUPERSEDED_FIELDS_HEADER, type BulkActionBody, type Notification, type NotificationPage, type NotificationPatch } from "@/contracts/notification";
import type { Endpoint, EndpointRegistration } from "@/contracts/endpoint";
import {
  SUPPORT_REASON_HEADER,
  encodeSupportReason,
  type AccessLogEntry,
  type DeliveryRecord,
  type DirectoryUser,
  type NotificationEventEntry,
  type UserSummary,
} from "@/contracts/support";

/** A Graph collection page: `value`, and `@odata.nextLink` while there is more. */
export interface ListPage<T> {
  value: T[];
  "@odata.nextLink"?: string;
}

/** The most event-log pages one notification's history follows (a notification has a handful of events). */
const MAX_EVENT_PAGES = 10;

/** A delta page: changed items in full, removed ones as `@removed`; a nextLink or, last, the deltaLink. */
export interface DeltaPage {
  value: (Notification | DeltaRemoval)[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

export interface DeltaRemoval {
  id: string;
  "@removed": { reason: string };
}

export interface ApiClientOptions {
  /** Absolute URL or a path on the current origin, e.g. "/graph/beta". */
  baseUrl: string;
  getToken: () => Promise<string>;
  fetch?: typeof fetch;
  /** How many times a 429/503 is retried before the error reaches the caller. */
  maxRetries?: number;
  /** Longest Retry-After we wait out silently; longer ones go to the caller at once. */
  maxRetryWaitSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
  newRequestId?: () => string;
  /**
   * This browser's endpoint id once it is registered: sent as `X-Endpoint-Id` so the service's event
   * log attributes every change to the device that made it. Read on every request (it can change).
   */
  endpointId?: () => string | undefined;
  /** Told after every request whether the service answered at all (false: no response arrived). */
  onReachability?: (reachable: boolean) => void;
}

const RETRYABLE = new Set([429, 503]);

/** A header carries bytes: the reason travels percent-encoded as UTF-8 (the service decodes it). */
function supportHeaders(reason: string): Record<string, string> {
  return { [SUPPORT_REASON_HEADER]: encodeSupportReason(reason) };
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly maxRetries: number;
  private readonly maxRetryWaitSeconds: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly newRequestId: () => string;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    // Bound to globalThis: a bare window.fetch reference throws "Illegal invocation" when called.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.maxRetries = options.maxRetries ?? 2;
    this.maxRetryWaitSeconds = options.maxRetryWaitSeconds ?? 10;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.newRequestId = options.newRequestId ?? (() => crypto.randomUUID());
  }

  /** First page of the inbox for these filters, newest first. */
  listNotifications(filters: InboxFilters, top?: number): Promise<NotificationPage> {
    return this.json<NotificationPage>("GET", `${this.baseUrl}/me/notifications?${buildListQuery(filters, top)}`);
  }

  /** A later page of the inbox (see followNextLink). */
  listPage(nextLink: string): Promise<NotificationPage> {
    return this.followNextLink<NotificationPage>(nextLink);
  }

  /**
   * One delta page: the first of a first round without a link, else the service's nextLink or
   * deltaLink (followed as given, only under the API's base URL, like listPage).
   */
  delta(link?: string, maxPageSize = 500): Promise<DeltaPage> {
    if (link !== undefined && !this.isUnderBase(link)) {
      throw new ApiError(0, "invalidResponse", "The service's delta link points outside the notifications API.", undefined, undefined);
    }
    return this.json<DeltaPage>("GET", link ?? `${this.baseUrl}/me/notifications/delta`, undefined, { Prefer: `odata.maxpagesize=${maxPageSize}` });
  }

  /** This browser's endpoint id as every request sends it (X-Endpoint-Id), for requests made outside send(). */
  get endpointId(): string | undefined {
    return this.options.endpointId?.();
  }

  /** The live stream's URL (read with fetch by lib/live/live-connection.ts, not through send()). */
  get streamUrl(): string {
    return `${this.baseUrl}/me/notifications/stream`;
  }

  async count(filter: string = UNREAD_COUNT_FILTER): Promise<number> {
    const response = await this.send("GET", `${this.baseUrl}/me/notifications/$count?$filter=${encodeURIComponent(filter)}`);
    const text = (await response.text()).trim();
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
      throw new ApiError(response.status, "invalidResponse", `Expected a count, got "${text.slice(0, 40)}".`, response.headers.get("request-id") ?? undefined, undefined);
    }
    return value;
  }

  getNotification(id: string): Promise<Notification> {
    return this.json<Notification>("GET", this.itemUrl(id));
  }

  updateNotification(id: string, patch: NotificationPatch, etag?: string): Promise<Notification> {
    return this.json<Notification>("PATCH", this.itemUrl(id), patch, etag ? { "If-Match": etag } : undefined);
  }

  async deleteNotification(id: string, actionTime?: string): Promise<void> {
    await this.send("DELETE", this.itemUrl(id), undefined, actionTime ? { [ACTION_TIME_HEADER]: actionTime } : undefined);
  }

  /**
   * A change made at `actionTime` (an offline replay): the service's conflict rule keeps any field
   * another endpoint changed later, and names those in X-Superseded-Fields.
   */
  async replayUpdate(id: string, patch: NotificationPatch, actionTime: string): Promise<{ item: Notification; superseded: string[] }> {
    const response = await this.send("PATCH", this.itemUrl(id), patch, { [ACTION_TIME_HEADER]: actionTime });
    const superseded = (response.headers.get(SUPERSEDED_FIELDS_HEADER) ?? "")
      .split(",")
      .map((f) => f.trim())
      .filter(Boolean);
    return { item: (await response.json()) as Notification, superseded };
  }

  markAllAsRead(body: BulkActionBody = {}): Promise<{ updated: number }> {
    return this.json("POST", `${this.baseUrl}/me/notifications/markAllAsRead`, body);
  }

  dismissAll(body: BulkActionBody = {}): Promise<{ updated: number }> {
    return this.json("POST", `${this.baseUrl}/me/notifications/dismissAll`, body);
  }

  /** The service's VAPID public key (base64url); the route needs no token, so none is sent. */
  async vapidPublicKey(): Promise<string> {
    const response = await this.send("GET", `${this.baseUrl}/notifications/vapidPublicKey`, undefined, undefined, false);
    const body = (await response.json()) as { key?: unknown };
    if (typeof body.key !== "string" || !/^[A-Za-z0-9_-]+={0,2}$/.test(body.key)) {
      throw new ApiError(response.status, "invalidResponse", "The service sent no usable push key.", response.headers.get("request-id") ?? undefined, undefined);
    }
    return body.key;
  }

  /** Registers (or renews: the same push endpoint answers the same id) this browser as an endpoint. */
  registerEndpoint(registration: EndpointRegistration): Promise<Endpoint> {
    return this.json<Endpoint>("POST", `${this.baseUrl}/me/notifications/subscriptions`, registration);
  }

  async listEndpoints(): Promise<Endpoint[]> {
    const page = await this.json<{ value?: Endpoint[] }>("GET", `${this.baseUrl}/me/notifications/subscriptions`);
    return Array.isArray(page.value) ? page.value : [];
  }

  async deleteEndpoint(id: string): Promise<void> {
    await this.send("DELETE", `${this.baseUrl}/me/notifications/subscriptions/${encodeURIComponent(id)}`);
  }

  // ---- support staff: read-only views of another user of the tenant (contract: "Support and audit") --
  // Every read of the user's data carries the reason support gave; the service logs it with the read.

  /** Users of the tenant whose name or sign-in name matches `text`. */
  searchUsers(text: string): Promise<ListPage<DirectoryUser>> {
    return this.json<ListPage<DirectoryUser>>("GET", `${this.baseUrl}/users?${buildDirectoryQuery(text)}`);
  }

  getUserSummary(userId: string, reason: string): Promise<UserSummary> {
    return this.json<UserSummary>("GET", this.userUrl(userId), undefined, supportHeaders(reason));
  }

  /** First page of the user's inbox (every state, tombstones when asked for), newest first. */
  listUserNotifications(userId: string, filters: SupportInboxFilters, reason: string, top?: number): Promise<NotificationPage> {
    return this.json<NotificationPage>("GET", `${this.userUrl(userId)}/notifications?${buildSupportListQuery(filters, top)}`, undefined, supportHeaders(reason));
  }

  /** A later page of the user's inbox: the next link, with the reason again. */
  listUserNotificationsPage(nextLink: string, reason: string): Promise<NotificationPage> {
    return this.followNextLink<NotificationPage>(nextLink, supportHeaders(reason));
  }

  getUserNotification(userId: string, notificationId: string, reason: string): Promise<Notification> {
    return this.json<Notification>("GET", `${this.userUrl(userId)}/notifications/${encodeURIComponent(notificationId)}`, undefined, supportHeaders(reason));
  }

  async listUserEndpoints(userId: string, reason: string): Promise<Endpoint[]> {
    const page = await this.json<{ value?: Endpoint[] }>("GET", `${this.userUrl(userId)}/notifications/subscriptions`, undefined, supportHeaders(reason));
    return Array.isArray(page.value) ? page.value : [];
  }

  /** One record per endpoint the notification was meant for. */
  async listDeliveries(userId: string, notificationId: string, reason: string): Promise<DeliveryRecord[]> {
    const url = `${this.userUrl(userId)}/notifications/${encodeURIComponent(notificationId)}/deliveries`;
    const page = await this.json<{ value?: DeliveryRecord[] }>("GET", url, undefined, supportHeaders(reason));
    return Array.isArray(page.value) ? page.value : [];
  }

  /** The notification's whole event log (newest first), every page followed. */
  async listNotificationEvents(userId: string, notificationId: string, reason: string): Promise<NotificationEventEntry[]> {
    const headers = supportHeaders(reason);
    const events: NotificationEventEntry[] = [];
    let page = await this.json<ListPage<NotificationEventEntry>>(
      "GET",
      `${this.userUrl(userId)}/notifications/events?${buildNotificationEventsQuery(notificationId)}`,
      undefined,
      headers,
    );
    for (let pages = 1; ; pages++) {
      if (Array.isArray(page.value)) events.push(...page.value);
      const next = page["@odata.nextLink"];
      if (!next || pages >= MAX_EVENT_PAGES) return events;
      page = await this.followNextLink<ListPage<NotificationEventEntry>>(next, headers);
    }
  }

  /** Who from support read this user's data (the audit log; reading it needs no reason). */
  accessLogAbout(userId: string, top = 50): Promise<ListPage<AccessLogEntry>> {
    return this.json<ListPage<AccessLogEntry>>("GET", `${this.baseUrl}/auditLogs/notificationAccess?${buildAccessLogQuery(userId, top)}`);
  }

  /** Who from support read the signed-in user's data. */
  myAccessLog(top = 20): Promise<ListPage<AccessLogEntry>> {
    return this.json<ListPage<AccessLogEntry>>("GET", `${this.baseUrl}/me/notifications/accessLog?${buildAccessLogQuery(undefined, top)}`);
  }

  myAccessLogPage(nextLink: string): Promise<ListPage<AccessLogEntry>> {
    return this.followNextLink<ListPage<AccessLogEntry>>(nextLink);
  }

  /**
   * A later page: the service's `@odata.nextLink`, followed exactly as given — but only under the
   * API's base URL, since the request carries the user's bearer token.
   */
  private async followNextLink<T>(nextLink: string, headers?: Record<string, string>): Promise<T> {
    if (!this.isUnderBase(nextLink)) {
      throw new ApiError(0, "invalidResponse", "The service's next-page link points outside the notifications API.", undefined, undefined);
    }
    return this.json<T>("GET", nextLink, undefined, headers);
  }

  private userUrl(userId: string): string {
    return `${this.baseUrl}/users/${encodeURIComponent(userId)}`;
  }

  /** Same origin (when one is known) and a path below the base path; no `..` tricks, as URL resolves them. */
  private isUnderBase(link: string): boolean {
    // A relative base is on the page's origin; without a page (tests, Node) only the path can be checked.
    const pageOrigin = (globalThis as { location?: { origin?: string } }).location?.origin;
    const reference = pageOrigin ?? "http://relative.invalid";
    let base: URL;
    let target: URL;
    try {
      base = new URL(this.baseUrl, reference);
      target = new URL(link, base);
    } catch {
      return false;
    }
    const originKnown = pageOrigin !== undefined || /^[a-z][a-z0-9+.-]*:/i.test(this.baseUrl);
    if (originKnown && target.origin !== base.origin) return false;
    return target.pathname.startsWith(`${base.pathname.replace(/\/+$/, "")}/`);
  }

  private itemUrl(id: string): string {
    return `${this.baseUrl}/me/notifications/${encodeURIComponent(id)}`;
  }

  /** A token; one that could not be had for want of a network says the service is out of reach too. */
  private async token(): Promise<string> {
    try {
      return await this.options.getToken();
    } catch (error) {
      if (error instanceof ApiError && error.status === 0) this.options.onReachability?.(false);
      throw error;
    }
  }

  private async json<T>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const response = await this.send(method, url, body, headers);
    return (await response.json()) as T;
  }

  private async send(method: string, url: string, body?: unknown, extraHeaders?: Record<string, string>, authorize = true): Promise<Response> {
    // One id for every attempt: the service's logs tie the retries together.
    const clientRequestId = this.newRequestId();
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {
        Accept: "application/json",
        "client-request-id": clientRequestId,
        ...extraHeaders,
      };
      if (authorize) headers.Authorization = `Bearer ${await this.token()}`;
      const endpointId = this.options.endpointId?.();
      if (endpointId) headers["X-Endpoint-Id"] = endpointId;
      if (body !== undefined) headers["Content-Type"] = "application/json";
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          cache: "no-store",
          // A change sent as the page is hidden or closed (a pending delete) must outlive the page.
          keepalive: method !== "GET",
        });
      } catch {
        // fetch rejects only when no response arrived (offline, DNS, CORS): status 0.
        this.options.onReachability?.(false);
        throw new ApiError(0, "networkError", "Could not reach the notifications service. Check your connection.", undefined, clientRequestId);
      }
      this.options.onReachability?.(true);
      if (response.ok) return response;
      const error = await apiErrorFromResponse(response, clientRequestId);
      const wait = error.retryAfterSeconds ?? 1;
      if (RETRYABLE.has(response.status) && attempt < this.maxRetries && wait <= this.maxRetryWaitSeconds) {
        await this.sleep(wait * 1000);
        continue;
      }
      throw error;
    }
  }
}
