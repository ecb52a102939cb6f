// The inbox's service worker: precached app shell, Web Push notifications,
// notification actions through the payload's action token, and Workbox's
// prompt-to-update flow. One named handler per event. Built by
// scripts/build-sw.ts (esbuild, then workbox-build injects the precache list).
import { cacheNames } from "workbox-core";
import { PrecacheController, PrecacheRoute, type PrecacheEntry } from "workbox-precaching";
import { deleteOutdatedCaches } from "workbox-precaching/utils/deleteOutdatedCaches.js";
import { NavigationRoute, Router } from "workbox-routing";
import type { NotificationsAnswer, PushPayload, WorkerMessage } from "../contracts/push-payload";
import { mustShowEveryPush } from "../contracts/push-services";
import { coalesced, inOrder } from "./serial";
import { enqueue, lastUnreadCount, pendingEntries, rememberUnreadCount, removeEntry } from "./action-queue";
import { MAX_ACTION_ATTEMPTS, afterFailedAttempt, sendAction, type PendingAction, type SendResult } from "./notification-actions";
import {
  badgeAfterAction,
  clickAction,
  genericNotification,
  openUrl,
  parseNotificationsRequest,
  parsePushPayload,
  planPush,
  readShownData,
  resolveApiBase,
  type NotificationAction,
  type PushPlan,
  type ShowNotification,
} from "./push-decisions";
import {
  isReceipt,
  receivedReceipt,
  sendReceipt,
  shownAfterReceived,
  shownReceipt,
  type ItemResult,
  type PendingReceipt,
  type QueuedEntry,
} from "./receipts";

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

/** Background Sync's event (not in TypeScript's WebWorker lib). */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}
/** The registration's optional Background Sync manager. */
type SyncRegistration = ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } };

const SYNC_TAG = "notification-actions";
const SHELL_URL = "/";
// Never answered by the worker: API calls, the runtime config and the worker itself always go to the network.
const NETWORK_ONLY = [/^\/graph\//, /^\/runtime-config(\/|$)/, /^\/sw\.js$/];

const precache = new PrecacheController();
precache.addToCacheList(self.__WB_MANIFEST);

const router = new Router();
// Navigations first (registration order decides): network, and the precached shell when that fails.
router.registerRoute(new NavigationRoute(handleNavigation, { denylist: NETWORK_ONLY }));
// Everything in the precache list (hashed /_next/static files, icons, manifest): cache first.
router.registerRoute(new PrecacheRoute(precache));

self.addEventListener("install", (e) => e.waitUntil(handleInstall(e)));
self.addEventListener("activate", (e) => e.waitUntil(handleActivate(e)));
self.addEventListener("fetch", handleFetch);
self.addEventListener("push", (e) => extend(e, handlePushEvent(e)));
self.addEventListener("notificationclick", (e) => extend(e, handleNotificationClick(e)));
self.addEventListener("notificationclose", (e) => extend(e, handleNotificationClose(e)));
self.addEventListener("message", (e) => extend(e, handleMessage(e)));
self.addEventListener("pushsubscriptionchange", (e) => extend(e, handlePushSubscriptionChange(e)));
self.addEventListener("sync", (e) => extend(e as SyncEvent, handleSync(e as SyncEvent)));

/**
 * Pushes are handled one after another, in the order they arrived: each handler awaits the browser
 * several times, so a `stateChanged` right behind its `created` could otherwise close the tag before
 * the notification is shown (leaving a settled item on screen), and an older count could be the last
 * badge set. The pages' requests to list or close notifications take their turn in the same line, so
 * nothing reads the notifications while one is being shown.
 */
const oneAtATime = inOrder();

/**
 * `waitUntil` that tolerates an event dispatched by script (tests dispatch a
 * synthetic NotificationEvent on the worker; such events cannot be extended,
 * but the work runs all the same).
 */
function extend(event: ExtendableEvent, work: Promise<unknown>): void {
  const logged = work.catch((err: unknown) => console.error(`[sw] ${event.type} failed:`, err));
  if (event.isTrusted) event.waitUntil(logged);
}

// Install: fetch the precache list (the app shell opens offline once this completes). No skipWaiting here:
// an update waits until the user accepts it (message SKIP_WAITING).
async function handleInstall(event: ExtendableEvent): Promise<void> {
  await precache.install(event);
}

// Activate: drop precache entries and caches of older builds; take control of pages no worker controls yet
// (the first visit). Pages an older worker controlled are handed over by activation itself, which happens
// only once the user accepted the update (or no page of the old version is open). Claiming every time,
// rather than remembering at install whether this was the first worker, survives the browser stopping the
// worker between install and activate (which lost that memory and left the first page uncontrolled).
async function handleActivate(event: ExtendableEvent): Promise<void> {
  await precache.activate(event);
  await deleteOutdatedCaches(cacheNames.precache);
  await self.clients.claim();
  // Not awaited: until activate settles, every fetch of the page (the reload the update prompt starts)
  // waits, and it must not wait on the API. Whatever this replay leaves is retried on sync or push.
  void replayPendingActions().catch(() => undefined);
}

// Fetch: only the two routes above; anything else (API, runtime config, streams) is not touched at all.
function handleFetch(event: FetchEvent): void {
  const response = router.handleRequest({ event, request: event.request });
  if (response) event.respondWith(response);
}

async function handleNavigation({ request }: { request: Request }): Promise<Response> {
  try {
    return await fetch(request);
  } catch (err) {
    // Offline: the precached shell renders the app, which shows its own offline/error state.
    const shell = await precache.matchPrecache(SHELL_URL);
    if (shell) return shell;
    throw err;
  }
}

// Push: the push itself one at a time (handlePush), its receipts beside it, never in its way: a slow or
// failing receipt delays neither this notification nor the next push, and the event lasts until both end.
async function handlePushEvent(event: PushEvent): Promise<void> {
  let text: string | undefined;
  try {
    text = event.data?.text();
  } catch {
    text = undefined;
  }
  const payload = parsePushPayload(text);
  const receipts = pushReceipts(payload);
  try {
    await oneAtATime(() => handlePush(payload, receipts));
    await flushQueuedActions();
  } finally {
    await receipts.settled();
  }
}

// Keep badge, OS notifications and open tabs in line with the server's view of this notification.
async function handlePush(payload: PushPayload | undefined, receipts: PushReceipts): Promise<void> {
  const subscription = await self.registration.pushManager.getSubscription().catch(() => null);
  const displayOnly = mustShowEveryPush(subscription?.endpoint);
  if (!payload) {
    console.warn("[sw] unreadable push payload ignored");
    // Apple's services revoke subscriptions whose pushes show nothing.
    if (displayOnly) await show(genericNotification());
    return;
  }
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true }).catch(() => []);
  const focused = windows.find((c) => c.visibilityState === "visible" && c.focused);
  const plan = planPush(payload, { displayOnly, focusedWindow: !!focused });

  // Closing is best effort: it must never keep a display-only push from showing its notification.
  await closeTags(plan.close).catch((err: unknown) => console.warn("[sw] closing settled notifications failed:", err));
  const shown: ItemResult = plan.show ? await tryShow(plan.show) : "notShown";
  if (!plan.toast) receipts.shown(plan, shown);
  // The badge (and the count remembered in IndexedDB) after the notification: a nicety never holds it up.
  await setBadge(plan.badge);
  if (plan.toast && focused) {
    const message: WorkerMessage = { type: "notification-received", notification: payload.notification, unreadCount: payload.unreadCount };
    // The focused tab may be one that shows no toast (signed out, still starting): without its word
    // that it showed one, the OS notification is shown after all, so no push is ever lost.
    let result: ItemResult = "inPage";
    if (!(await toastAcknowledged(focused, message))) {
      const fallback = planPush(payload, { displayOnly, focusedWindow: false });
      result = fallback.show ? await tryShow(fallback.show) : "notShown";
    }
    receipts.shown(plan, result);
  }
  postAll(windows, changed(payload));
}

/** A push's receipts: `received` posted at once, `shown` when handlePush reports it; settled() when both ended. */
interface PushReceipts {
  shown(plan: PushPlan, result: ItemResult): void;
  settled(): Promise<void>;
}

function pushReceipts(payload: PushPayload | undefined): PushReceipts {
  const received = receivedReceipt(payload, new Date().toISOString());
  const receivedResult: Promise<SendResult | undefined> = received ? postReceipt(received) : Promise.resolve(undefined);
  let work: Promise<unknown> = receivedResult;
  return {
    shown(plan, result) {
      // Timed when it happened, sent after `received` (the record reads in order).
      const entry = shownReceipt(payload, plan, result, new Date().toISOString());
      if (!entry) return;
      work = receivedResult.then(async (first) => {
        const next = shownAfterReceived(first);
        if (next === "send") await postReceipt(entry);
        else if (next === "queue") await queueForRetry(entry);
      });
    },
    settled: () => work.then(() => undefined, (err: unknown) => console.warn("[sw] receipt failed:", err)),
  };
}

// After a push (outside the one-at-a-time chain, so it never delays the next push): being online right
// now is the best moment to flush actions queued offline.
async function flushQueuedActions(): Promise<void> {
  await replayPendingActions().catch(() => undefined);
}

// Notification click: a button acts on that one notification with the action token; the body opens the app on it.
async function handleNotificationClick(event: NotificationEvent): Promise<void> {
  const actionTime = new Date().toISOString();
  const action = clickAction(event.action);
  const data = readShownData(event.notification.data);
  event.notification.close();
  if (!action) return;
  // Opening a window is allowed only while the click is being handled: start it before the request.
  const opening = action === "activate" ? openApp(data?.id) : Promise.resolve();
  if (data) await act(data.id, data.actionToken, action, actionTime);
  await opening;
}

// Notification closed by the user (not by the worker): the user dismissed it.
async function handleNotificationClose(event: NotificationEvent): Promise<void> {
  const data = readShownData(event.notification.data);
  if (data) await act(data.id, data.actionToken, "close", new Date().toISOString());
}

// Message from a page: Workbox's update prompt accepted by the user (the only place skipWaiting is
// called), or a page asking to list or close the OS notifications (answered on the message's port).
async function handleMessage(event: ExtendableMessageEvent): Promise<void> {
  const data = event.data as { type?: unknown } | null;
  if (data?.type === "SKIP_WAITING") {
    await self.skipWaiting();
    return;
  }
  const request = parseNotificationsRequest(data);
  const port = event.ports[0];
  if (!request || !port) return;
  // In turn with the pushes: never while one is being shown (see NotificationsRequest).
  const tags = await oneAtATime(() => (request.type === "list-notifications" ? listTags() : closeTags(request.tags)));
  const answer: NotificationsAnswer = { tags };
  port.postMessage(answer);
}

// The browser replaced (or dropped) the push subscription: resubscribe if needed, and let a page register it
// (registration needs the user's token, which the worker does not hold).
async function handlePushSubscriptionChange(event: PushSubscriptionChangeEvent): Promise<void> {
  if (!event.newSubscription && event.oldSubscription) {
    const { applicationServerKey, userVisibleOnly } = event.oldSubscription.options;
    await self.registration.pushManager
      .subscribe({ applicationServerKey: applicationServerKey ?? undefined, userVisibleOnly })
      .catch((err: unknown) => console.warn("[sw] resubscribe failed:", err));
  }
  postAll(await self.clients.matchAll({ type: "window", includeUncontrolled: true }), { type: "push-subscription-changed" });
}

// Background sync: replay the actions taken offline; a rejection asks the browser to try again later.
async function handleSync(event: SyncEvent): Promise<void> {
  if (event.tag !== SYNC_TAG) return;
  const left = await replayPendingActions();
  if (left > 0) throw new Error(`${left} notification action(s) still pending`);
}

// --- helpers -------------------------------------------------------------

/**
 * Every request the worker makes inside an event is bounded: the event's waitUntil promise must settle
 * (a hung connection would keep the worker alive, and the push or click unfinished, until the browser
 * kills it). A timeout counts as a network failure: the action is queued for a retry.
 */
const FETCH_TIMEOUT_MS = 15_000;

let apiBaseCache: string | undefined;
async function apiBase(timeoutMs = FETCH_TIMEOUT_MS): Promise<string> {
  if (apiBaseCache) return apiBaseCache;
  const res = await fetch("/runtime-config", { cache: "no-store", credentials: "omit", signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`/runtime-config: HTTP ${res.status}`);
  const config = (await res.json()) as { apiBaseUrl?: unknown };
  if (typeof config.apiBaseUrl !== "string") throw new Error("/runtime-config has no apiBaseUrl");
  apiBaseCache = resolveApiBase(config.apiBaseUrl, self.location.origin);
  return apiBaseCache;
}

const sendDeps = { fetch: (input: string, init: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }), apiBase };

/**
 * Receipts are bounded tighter: a push event waits for them (so the browser keeps the worker alive
 * until they are sent), and they are worth less than the notification they report on.
 */
const RECEIPT_TIMEOUT_MS = 10_000;

const receiptDeps = {
  fetch: (input: string, init: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(RECEIPT_TIMEOUT_MS) }),
  apiBase: () => apiBase(RECEIPT_TIMEOUT_MS),
};

/** Sends one receipt now; queued for background sync when it cannot be sent (offline, 408, 429, 5xx). */
async function postReceipt(entry: PendingReceipt): Promise<SendResult> {
  const result = await sendReceipt(entry, receiptDeps);
  if (result === "retry") await queueForRetry(entry).catch((err: unknown) => console.warn("[sw] queueing a receipt failed:", err));
  return result;
}

/** Queues an action or a receipt whose first send failed, and asks for a background sync. */
async function queueForRetry(entry: QueuedEntry): Promise<void> {
  await enqueue({ ...entry, attempts: 1 });
  await (self.registration as SyncRegistration).sync?.register(SYNC_TAG).catch(() => undefined);
}

/** One action on one notification: sent now, or queued for background sync when it cannot be sent. */
async function act(id: string, actionToken: string | undefined, action: NotificationAction, actionTime: string): Promise<void> {
  if (!actionToken) {
    console.warn(`[sw] no action token for ${id}; ${action} not sent`);
    return;
  }
  const entry: PendingAction = { id, action, actionToken, actionTime };
  const result = await sendAction(entry, sendDeps);
  if (result === "retry") {
    await queueForRetry(entry);
    return;
  }
  if (result === "done") {
    const before = await lastUnreadCount().catch(() => undefined);
    if (before !== undefined) await setBadge(badgeAfterAction(before, action));
    postAll(await self.clients.matchAll({ type: "window", includeUncontrolled: true }), {
      type: "notifications-changed",
      kind: "stateChanged",
      notificationId: id,
      // -1: unknown here (no push set a badge yet); pages revalidate their own count on this message.
      unreadCount: before === undefined ? -1 : badgeAfterAction(before, action),
    });
  }
}

/**
 * Sends queued actions and receipts in the order they happened; returns how many are still pending. A sync, a
 * push and activation can each ask for a replay at once: runs never overlap (two would both read the queue and
 * send its entries twice), and an ask during a run gets one more run after it.
 */
const replayPendingActions = coalesced(replayQueue);

async function replayQueue(): Promise<number> {
  let left = 0;
  let changedIds: string[] = [];
  for (const [key, entry] of await pendingEntries()) {
    const result = isReceipt(entry) ? await sendReceipt(entry, receiptDeps) : await sendAction(entry, sendDeps);
    if (result === "retry") {
      const next = afterFailedAttempt<QueuedEntry>(entry);
      if (next) {
        await enqueue(next);
        left++;
        continue;
      }
      const what = isReceipt(entry) ? `${entry.receipt.outcome} receipt` : entry.action;
      console.warn(`[sw] ${what} on ${entry.id} still not accepted after ${MAX_ACTION_ATTEMPTS} attempts; dropped`);
    }
    await removeEntry(key);
    if (result === "done" && !isReceipt(entry)) changedIds = [...changedIds, entry.id];
  }
  if (changedIds.length > 0) {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const id of changedIds) {
      // The count after a late replay is unknown to the worker (-1); the server's next push sets the badge.
      postAll(windows, { type: "notifications-changed", kind: "stateChanged", notificationId: id, unreadCount: -1 });
    }
  }
  return left;
}

async function setBadge(count: number): Promise<void> {
  const nav = self.navigator as WorkerNavigator & Partial<Pick<WorkerNavigator, "setAppBadge" | "clearAppBadge">>;
  try {
    if (count > 0) await nav.setAppBadge?.(count);
    else await nav.clearAppBadge?.();
  } catch {
    // Not installed, or not allowed here: the badge is a nicety.
  }
  await rememberUnreadCount(count).catch(() => undefined);
}

/**
 * Closes the notifications with these tags (or all); returns the tags closed. Called only inside the
 * one-at-a-time chain, as is every other read of the notifications (see NotificationsRequest).
 */
async function closeTags(tags: string[] | "all"): Promise<string[]> {
  const wanted = tags === "all" ? undefined : new Set(tags);
  if (wanted?.size === 0) return [];
  const closed: string[] = [];
  for (const n of await self.registration.getNotifications()) {
    if (wanted && !wanted.has(n.tag)) continue;
    n.close();
    closed.push(n.tag);
  }
  return closed;
}

/** The tags of the notifications shown; inside the one-at-a-time chain only. */
async function listTags(): Promise<string[]> {
  return (await self.registration.getNotifications()).map((n) => n.tag);
}

async function show({ title, options }: ShowNotification): Promise<void> {
  // `actions`, `renotify` and `timestamp` are real options TypeScript's lib does not list.
  await self.registration.showNotification(title, options as NotificationOptions);
}

/** Shows a push's notification; a failure is logged and reported (an `error` receipt), and the push goes on. */
async function tryShow(notification: ShowNotification): Promise<"shown" | "showFailed"> {
  try {
    await show(notification);
    return "shown";
  } catch (err) {
    console.error("[sw] showNotification failed:", err);
    return "showFailed";
  }
}

async function openApp(id: string | undefined): Promise<void> {
  const url = id ? openUrl(self.location.origin, id) : new URL("/", self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const existing = windows.find((c) => c.focused) ?? windows[0];
  if (existing) {
    try {
      const focused = await existing.focus();
      await focused.navigate(url);
      return;
    } catch {
      // An uncontrolled tab cannot be navigated by the worker: open a new one.
    }
  }
  await self.clients.openWindow(url);
}

function changed(payload: PushPayload): WorkerMessage {
  return { type: "notifications-changed", kind: payload.kind, notificationId: payload.notification.id, unreadCount: payload.unreadCount };
}

function post(client: Client, message: WorkerMessage): void {
  client.postMessage(message);
}

/** How long a focused tab has to confirm it showed the in-page toast. */
const TOAST_ACK_MS = 1_500;

/** Posts a toast request with a reply port; true when the tab answers that it showed it in time. */
function toastAcknowledged(client: Client, message: WorkerMessage): Promise<boolean> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => finish(false), TOAST_ACK_MS);
    function finish(shown: boolean): void {
      clearTimeout(timer);
      channel.port1.close();
      resolve(shown);
    }
    channel.port1.onmessage = (event: MessageEvent) => finish((event.data as { shown?: unknown } | null)?.shown === true);
    client.postMessage(message, [channel.port2]);
  });
}

function postAll(clients: readonly Client[], message: WorkerMessage): void {
  for (const c of clients) post(c, message);
}
