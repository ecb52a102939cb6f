// Turning push on and off for this browser, and keeping its endpoint registration true. Every
// browser API and the API client come in through PushDeps, so each case is tested with fakes.
import { deviceNameFromUserAgent } from "@/contracts/device-name";
import { idbEndpointStore } from "./push-store";
import { registerServiceWorker } from "./sw-registration";
import { askWorker, type WorkerLike } from "./worker-notifications";
import type { Endpoint, EndpointRegistration, PushSubscriptionBody } from "@/contracts/endpoint";
import type { EndpointStore, StoredEndpoint } from "./push-store";

export const APP_DISPLAY_NAME = "Notifications inbox";
/** Re-register (renew) when the registration is older than this: the service expires it after 60 days. */
export const RENEW_AFTER_MS = 24 * 3600 * 1000;

export interface SubscriptionLike {
  readonly endpoint: string;
  readonly options?: { readonly applicationServerKey?: ArrayBuffer | null };
  toJSON(): PushSubscriptionJSON;
  unsubscribe(): Promise<boolean>;
}

export interface RegistrationLike {
  /** The worker that closes the OS notifications when this browser stops being the user's. */
  readonly active?: WorkerLike | null;
  /** The OS notifications this registration shows: closed directly only when the worker did not answer. */
  getNotifications?(): Promise<readonly { close(): void }[]>;
  readonly pushManager: {
    getSubscription(): Promise<SubscriptionLike | null>;
    subscribe(options: { userVisibleOnly: boolean; applicationServerKey: Uint8Array<ArrayBuffer> }): Promise<SubscriptionLike>;
  };
}

export interface PushApi {
  vapidPublicKey(): Promise<string>;
  registerEndpoint(registration: EndpointRegistration): Promise<Endpoint>;
  deleteEndpoint(id: string): Promise<void>;
}

export interface PushDeps {
  api: PushApi;
  store: EndpointStore;
  /** The service worker registration; undefined when there is none (unsupported, or not yet running). */
  getRegistration(): Promise<RegistrationLike | undefined>;
  notification: { readonly permission: NotificationPermission; requestPermission(): Promise<NotificationPermission> } | undefined;
  /** The signed-in user (MSAL homeAccountId). */
  user: string;
  /** The app's host name, registered as targetHostName. */
  host: string;
  deviceName: string;
  now?: () => Date;
}

export class PushSetupError extends Error {
  override readonly name = "PushSetupError";
}

export type EnableResult = { state: "on"; endpoint: StoredEndpoint } | { state: "denied" | "prompt" };

// ---- small pure helpers (the base64url pair exported for tests) ----

export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64Url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (const b of view) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The subscription's body for the service, or undefined when the browser gave no keys. */
function subscriptionBody(subscription: SubscriptionLike): PushSubscriptionBody | undefined {
  const json = subscription.toJSON();
  const p256dh = json.keys?.p256dh;
  const auth = json.keys?.auth;
  if (!json.endpoint || !p256dh || !auth) return undefined;
  return { endpoint: json.endpoint, expirationTime: json.expirationTime ?? null, keys: { p256dh, auth } };
}

/** Which VAPID key a subscription was made with: the browser says so (Chrome, Firefox); else what we stored. */
function subscriptionVapidKey(subscription: SubscriptionLike, stored: StoredEndpoint | undefined): string | null {
  const key = subscription.options?.applicationServerKey;
  if (key && key.byteLength > 0) return bytesToBase64Url(key);
  return stored?.endpoint === subscription.endpoint ? stored.vapidKey : null;
}

function sameKey(a: string | null, b: string): boolean {
  return a !== null && a.replace(/=+$/, "") === b.replace(/=+$/, "");
}

/** Does the stored registration already describe this subscription, for this user, recently enough? */
function registrationIsCurrent(stored: StoredEndpoint | undefined, user: string, body: PushSubscriptionBody | undefined, now: Date): boolean {
  if (!stored || stored.user !== user) return false;
  if (now.getTime() - Date.parse(stored.registeredAt) > RENEW_AFTER_MS || Number.isNaN(Date.parse(stored.registeredAt))) return false;
  if (!body) return stored.platform === "web";
  return (
    stored.platform === "webPush" &&
    stored.endpoint === body.endpoint &&
    stored.keys?.p256dh === body.keys.p256dh &&
    stored.keys?.auth === body.keys.auth
  );
}

// ---- the operations ----

// One operation at a time per page: the start-up sync of one page, a click on "Turn on" and the
// sync of the next page (client-side navigation) would otherwise each read the store before the
// other saved, and register this browser twice. Across the tabs of this browser too (they share
// the store): two tabs opening at once each registered a "web" row, and one stayed an orphan in
// the device list. Web Locks where the browser has them; the in-page queue keeps this page's order.
const LOCK_NAME = "inbox-push-endpoint";
/** A tab stuck inside an operation (a request that never answers) holds the others up this long at most. */
const LOCK_WAIT_MS = 15_000;
let queue: Promise<unknown> = Promise.resolve();
function exclusive<T>(operation: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  const locked = !locks
    ? operation
    : () => {
        let started = false;
        const granted = locks.request(LOCK_NAME, { signal: AbortSignal.timeout(LOCK_WAIT_MS) }, () => {
          started = true;
          return operation();
        }) as Promise<T>;
        // Only the wait is given up on (then the operation runs anyway); its own errors pass through.
        return granted.catch((error: unknown) => {
          if (started) throw error;
          return operation();
        });
      };
  const run = queue.then(locked, locked);
  queue = run.catch(() => undefined);
  return run;
}

async function deleteQuietly(api: PushApi, id: string): Promise<void> {
  try {
    await api.deleteEndpoint(id);
  } catch {
    // 404 is the goal reached; anything else is left to expire (60 days) rather than block the user.
  }
}

async function register(deps: PushDeps, body: PushSubscriptionBody | undefined, vapidKey: string | null, previous: StoredEndpoint | undefined): Promise<StoredEndpoint> {
  const registration: EndpointRegistration = {
    platform: body ? "webPush" : "web",
    targetHostName: deps.host,
    appDisplayName: APP_DISPLAY_NAME,
    deviceName: deps.deviceName,
    ...(body ? { pushSubscription: body } : {}),
  };
  // A push-less endpoint has no push URL to be recognised by: name it, so a renewal keeps its id.
  if (!body && previous?.platform === "web" && previous.user === deps.user) registration.id = previous.id;
  const endpoint = await deps.api.registerEndpoint(registration);
  const stored: StoredEndpoint = {
    id: endpoint.id,
    platform: registration.platform,
    endpoint: body?.endpoint ?? null,
    keys: body?.keys ?? null,
    vapidKey: body ? vapidKey : null,
    user: deps.user,
    registeredAt: (deps.now?.() ?? new Date()).toISOString(),
    expirationDateTime: endpoint.expirationDateTime ?? null,
  };
  await deps.store.save(stored);
  // The previous registration of this browser (an older subscription, or the "web" one that push
  // replaces) is now a duplicate: one browser, one endpoint. Only the same user's can be deleted.
  if (previous && previous.user === deps.user && previous.id !== endpoint.id) await deleteQuietly(deps.api, previous.id);
  return stored;
}

async function subscribe(registration: RegistrationLike, vapidKey: string): Promise<SubscriptionLike> {
  try {
    return await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(vapidKey) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PushSetupError(`This browser could not subscribe to push notifications: ${reason}`);
  }
}

/**
 * Turns push on. Call it ONLY from a click handler: the permission prompt is asked first, before
 * any other await, because Safari allows it only within the user's gesture.
 */
export async function enablePush(deps: PushDeps): Promise<EnableResult> {
  if (!deps.notification) throw new PushSetupError("This browser cannot show notifications.");
  const permission = deps.notification.permission === "granted" ? "granted" : await deps.notification.requestPermission();
  if (permission !== "granted") return { state: permission === "denied" ? "denied" : "prompt" };
  return exclusive(() => subscribeAndRegister(deps));
}

async function subscribeAndRegister(deps: PushDeps): Promise<EnableResult> {
  const registration = await deps.getRegistration();
  if (!registration) throw new PushSetupError("The app's service worker is not running. Reload the page and try again.");
  const [vapidKey, stored] = await Promise.all([deps.api.vapidPublicKey(), deps.store.load()]);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscriptionVapidKey(subscription, stored), vapidKey)) {
    await subscription.unsubscribe().catch(() => false);
    subscription = null;
  }
  subscription ??= await subscribe(registration, vapidKey);
  const body = subscriptionBody(subscription);
  if (!body) throw new PushSetupError("The browser's push subscription has no encryption keys.");
  const endpoint = await register(deps, body, vapidKey, stored);
  return { state: "on", endpoint };
}

/** Turns push off for this browser; it stays registered as a "web" endpoint so its actions are attributed. */
export function disablePush(deps: PushDeps): Promise<StoredEndpoint> {
  return exclusive(async () => {
    const registration = await deps.getRegistration();
    const subscription = await registration?.pushManager.getSubscription();
    await subscription?.unsubscribe().catch(() => false);
    const stored = await deps.store.load();
    return register(deps, undefined, null, stored);
  });
}

export type SyncOutcome = "unchanged" | "registered" | "resubscribed";

/**
 * At start (signed in) and when the worker says the subscription changed: make the service's
 * record of this browser match the browser. See the cases in the test file.
 */
export function syncEndpoint(deps: PushDeps): Promise<{ endpoint: StoredEndpoint; outcome: SyncOutcome; subscribed: boolean }> {
  return exclusive(() => syncNow(deps));
}

async function syncNow(deps: PushDeps): Promise<{ endpoint: StoredEndpoint; outcome: SyncOutcome; subscribed: boolean }> {
  const now = deps.now?.() ?? new Date();
  let stored = await deps.store.load();
  if (stored && stored.user !== deps.user) {
    // Another account registered this browser (and did not sign out here): its id is not ours to
    // delete. Forget it; a push subscription re-posted below is taken over by this user.
    await deps.store.clear();
    stored = undefined;
  }

  const registration = await deps.getRegistration().catch(() => undefined);
  let subscription = (await registration?.pushManager.getSubscription().catch(() => null)) ?? null;
  if (subscription && deps.notification?.permission !== "granted") {
    // Permission revoked in the browser's settings: the subscription can no longer show anything.
    await subscription.unsubscribe().catch(() => false);
    subscription = null;
  }

  let outcome: SyncOutcome = "registered";
  let vapidKey: string | null = null;
  if (!subscription && registration && stored?.platform === "webPush" && deps.notification?.permission === "granted") {
    // Push was on here and still may be, but the browser dropped the subscription (a
    // pushsubscriptionchange the worker could not renew, the push service expired it): subscribe
    // again (permission is granted: no prompt) rather than quietly turning push off. Where that
    // is refused (a browser that wants a click), this browser falls back to web below and the
    // control offers "Turn on".
    vapidKey = await deps.api.vapidPublicKey();
    subscription = await subscribe(registration, vapidKey).catch(() => null);
    if (subscription) outcome = "resubscribed";
  }
  if (subscription && registration && outcome === "registered") {
    vapidKey = await deps.api.vapidPublicKey();
    if (!sameKey(subscriptionVapidKey(subscription, stored), vapidKey)) {
      // The service's VAPID key changed (rotated, or a new data folder): the old subscription can
      // never be delivered to again, so make a new one. Permission is granted, no prompt appears.
      await subscription.unsubscribe().catch(() => false);
      subscription = await subscribe(registration, vapidKey);
      outcome = "resubscribed";
    }
  }
  const body = subscription ? subscriptionBody(subscription) : undefined;
  if (outcome === "registered" && stored && registrationIsCurrent(stored, deps.user, body, now)) {
    return { endpoint: stored, outcome: "unchanged", subscribed: Boolean(body) };
  }
  const endpoint = await register(deps, body, vapidKey, stored);
  return { endpoint, outcome, subscribed: Boolean(body) };
}

/**
 * Sign-out: this browser stops being the user's endpoint. DELETE first (it needs the user's token,
 * which logout ends), then unsubscribe, and close the user's OS notifications still on screen (the
 * next person at this device must not see them, nor act on them through their action tokens; and
 * with no subscription nothing would ever close them). Errors are swallowed: sign-out must go on
 * regardless.
 */
export async function unregisterThisBrowser(deps: Pick<PushDeps, "api" | "store" | "getRegistration">): Promise<void> {
  // The browser's own subscription and notifications go at once, not behind a registration still in
  // progress: sign-out waits only so long, and once the subscription is gone the push service refuses
  // that endpoint (the service then removes it) even if the DELETE never left the page.
  await Promise.allSettled([stopLocalPush(deps), exclusive(() => unregisterNow(deps))]);
}

async function stopLocalPush(deps: Pick<PushDeps, "getRegistration">): Promise<void> {
  const registration = await deps.getRegistration().catch(() => undefined);
  await Promise.allSettled([registration?.pushManager.getSubscription().then((s) => s?.unsubscribe()), closeAllNotifications(registration)]);
}

/** How long sign-out waits for the worker to close the notifications before it closes them itself. */
const CLOSE_ALL_ANSWER_MS = 2_000;

/**
 * Closes every OS notification of the app through the worker (in turn with its pushes: see askWorker). A
 * worker that does not answer (none, or an older deployment's) must not leave them on screen for the next
 * person: then the page closes them itself.
 */
async function closeAllNotifications(registration: RegistrationLike | undefined): Promise<void> {
  if (!registration) return;
  const closed = await askWorker(registration.active, { type: "close-notifications", tags: "all" }, CLOSE_ALL_ANSWER_MS);
  // eslint-disable-next-line no-restricted-syntax -- the fallback when no worker answers: leaving them on screen for the next person is worse than that race.
  if (closed === undefined) (await registration.getNotifications?.())?.forEach((n) => n.close());
}

async function unregisterNow(deps: Pick<PushDeps, "api" | "store" | "getRegistration">): Promise<void> {
  const stored = await deps.store.load();
  await deps.store.clear();
  // Again inside the lock: a registration that was in progress when sign-out began may have subscribed since.
  await Promise.allSettled([stored ? deleteQuietly(deps.api, stored.id) : Promise.resolve(), stopLocalPush(deps)]);
}

/** How long a page waits for the service worker before saying it is not running. */
const WORKER_WAIT_MS = 10_000;

/**
 * This page's service worker registration once its worker is active (pushManager.subscribe needs an
 * active worker): registered by sw-registration (the root layout), waited for at most WORKER_WAIT_MS.
 */
export async function currentRegistration(): Promise<ServiceWorkerRegistration | undefined> {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return undefined;
  const registered = (await registerServiceWorker()) ?? (await navigator.serviceWorker.getRegistration());
  if (!registered) return undefined;
  if (registered.active) return registered;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), WORKER_WAIT_MS)));
  try {
    return await Promise.race([navigator.serviceWorker.ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The real browser behind PushDeps. */
export function browserPushDeps(api: PushApi, user: string): PushDeps {
  return {
    api,
    store: idbEndpointStore,
    getRegistration: currentRegistration,
    notification: typeof Notification === "undefined" ? undefined : Notification,
    user,
    host: window.location.hostname,
    deviceName: deviceNameFromUserAgent(navigator.userAgent, navigator.maxTouchPoints),
  };
}
