// Can this browser get push notifications, and what stands in the way? Pure: the browser's globals
// come in as a plain object (readPushEnvironment builds it), so every state is unit-tested.

export type PushSupport = "unsupported" | "ios-install-first" | "denied" | "prompt" | "granted";
export type PushState = "unsupported" | "ios-install-first" | "denied" | "prompt" | "on" | "off";

export interface PushEnvironment {
  hasServiceWorker: boolean;
  hasPushManager: boolean;
  hasNotification: boolean;
  /** `Notification.permission`, when Notification exists. */
  permission: "default" | "denied" | "granted" | undefined;
  userAgent: string;
  /** iPadOS Safari claims to be a Mac; touch points give it away. */
  maxTouchPoints: number;
  /** Launched from the Home Screen (display-mode standalone, or iOS's navigator.standalone). */
  standalone: boolean;
}

interface BrowserGlobals {
  navigator?: { serviceWorker?: unknown; userAgent?: string; maxTouchPoints?: number; standalone?: boolean };
  PushManager?: unknown;
  Notification?: { permission?: string };
  matchMedia?: (query: string) => { matches: boolean };
}

export function readPushEnvironment(g: BrowserGlobals = globalThis as unknown as BrowserGlobals): PushEnvironment {
  const nav = g.navigator;
  const permission = g.Notification?.permission;
  let standalone = nav?.standalone === true;
  try {
    standalone ||= g.matchMedia?.("(display-mode: standalone)").matches === true;
  } catch {
    // Old engines throw on unknown media features; not standalone then.
  }
  return {
    hasServiceWorker: Boolean(nav && "serviceWorker" in nav && nav.serviceWorker),
    hasPushManager: typeof g.PushManager !== "undefined",
    hasNotification: typeof g.Notification !== "undefined",
    permission: permission === "default" || permission === "denied" || permission === "granted" ? permission : undefined,
    userAgent: nav?.userAgent ?? "",
    maxTouchPoints: nav?.maxTouchPoints ?? 0,
    standalone,
  };
}

/** iPhone, iPod or iPad, including iPadOS that reports a Mac user agent. */
export function isAppleMobile(userAgent: string, maxTouchPoints: number): boolean {
  if (/\b(iPhone|iPad|iPod)\b/.test(userAgent)) return true;
  return /\bMacintosh\b/.test(userAgent) && maxTouchPoints > 1;
}

/** What this browser allows, before we look at any subscription. */
export function detectPushSupport(env: PushEnvironment): PushSupport {
  // iOS (16.4+) gives web push only to Home Screen apps: in a browser tab PushManager is simply
  // missing, so this must be told apart from "unsupported" before the feature checks.
  if (isAppleMobile(env.userAgent, env.maxTouchPoints) && !env.standalone) return "ios-install-first";
  if (!env.hasServiceWorker || !env.hasPushManager || !env.hasNotification) return "unsupported";
  if (env.permission === "denied") return "denied";
  if (env.permission === "granted") return "granted";
  return "prompt";
}

/**
 * The state the push control shows. "on" needs all three: permission, a push subscription in this
 * browser, and that subscription registered with the service.
 */
export function pushState(env: PushEnvironment, local: { subscribed: boolean; registered: boolean }): PushState {
  const support = detectPushSupport(env);
  if (support !== "granted") return support;
  return local.subscribed && local.registered ? "on" : "off";
}
