"use client";
// This browser's push state for every signed-in page: synced with the service once per page load
// (syncEndpoint), re-synced when the worker reports a new subscription or the permission changes,
// and the actions behind the push control. One controller per page, shared through context.
import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { ApiClient } from "@/lib/api/client";
import { pushState, readPushEnvironment, type PushState } from "@/lib/push/push-support";
import { currentEndpointId } from "@/lib/push/push-store";
import { setAppBadge } from "@/lib/push/reconcile";
import { browserPushDeps, disablePush, enablePush, syncEndpoint, unregisterThisBrowser, type PushApi, type PushDeps } from "@/lib/push/subscription";
import { notificationChanges, publishChange, type ChangeBus } from "@/lib/events/notification-changes";
import { useWorkerMessages } from "./use-worker-messages";

export interface PushController {
  /** "checking" until the first sync settled. */
  state: PushState | "checking";
  busy: boolean;
  error: Error | null;
  /** This browser's endpoint id, once registered. */
  endpointId: string | undefined;
  /** Call only from a click handler (it may ask for permission). */
  enable(): Promise<void>;
  disable(): Promise<void>;
  /** This browser removed from the list: unsubscribe and forget it (registered again on next start). */
  forgetThisBrowser(): Promise<void>;
  /** Sign-out's clean-up: DELETE this endpoint, unsubscribe. */
  unregister(): Promise<void>;
}

/** The push operations' writes (this browser registered or removed) published as changes, so other tabs hear of them. */
export function publishingPushApi(api: PushApi, bus: ChangeBus): PushApi {
  return {
    vapidPublicKey: () => api.vapidPublicKey(),
    registerEndpoint: (registration) => publishChange(bus, { action: "registerEndpoint", ids: [] }, () => api.registerEndpoint(registration)),
    deleteEndpoint: (id) => publishChange(bus, { action: "removeEndpoint", ids: [id] }, () => api.deleteEndpoint(id)),
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function usePushController(client: ApiClient | null, user: string | undefined): PushController {
  const [state, setState] = useState<PushState | "checking">("checking");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [endpointId, setEndpointId] = useState<string | undefined>(currentEndpointId());
  const deps = useMemo<PushDeps | null>(() => (client && user ? browserPushDeps(publishingPushApi(client, notificationChanges), user) : null), [client, user]);
  const syncing = useRef<Promise<void> | null>(null);

  const sync = useCallback(async () => {
    if (!deps) return;
    // One sync at a time: the start-up one and a worker message can arrive together.
    if (syncing.current) return syncing.current;
    const run = (async () => {
      const env = readPushEnvironment();
      try {
        const result = await syncEndpoint(deps);
        setEndpointId(result.endpoint.id);
        setState(pushState(env, { subscribed: result.subscribed, registered: true }));
        setError(null);
      } catch (e) {
        setState(pushState(env, { subscribed: false, registered: false }));
        setError(asError(e));
      }
    })();
    syncing.current = run;
    try {
      await run;
    } finally {
      syncing.current = null;
    }
  }, [deps]);

  useEffect(() => {
    void sync();
  }, [sync]);

  // Permission changed in the browser's site settings while the page is open.
  useEffect(() => {
    if (typeof navigator === "undefined" || !navigator.permissions?.query) return;
    let status: PermissionStatus | undefined;
    const onChange = () => void sync();
    navigator.permissions.query({ name: "notifications" }).then(
      (s) => {
        status = s;
        s.addEventListener("change", onChange);
      },
      () => undefined,
    );
    return () => status?.removeEventListener("change", onChange);
  }, [sync]);

  useWorkerMessages({ "push-subscription-changed": () => void sync() });

  const act = useCallback(async (action: () => Promise<PushState>) => {
    setBusy(true);
    try {
      setState(await action());
      setError(null);
    } catch (e) {
      setError(asError(e));
      setState(pushState(readPushEnvironment(), { subscribed: false, registered: false }));
    } finally {
      setBusy(false);
      setEndpointId(currentEndpointId());
    }
  }, []);

  const enable = useCallback(() => {
    if (!deps) return Promise.resolve();
    // enablePush is called synchronously here, so its permission prompt is within the click.
    const pending = enablePush(deps);
    return act(async () => {
      const { state } = await pending;
      // The prompt was closed without an answer: say so, or the click would seem to do nothing.
      if (state === "prompt") throw new Error("Notifications were not turned on: the browser's permission request was closed. Try again and choose Allow.");
      return state;
    });
  }, [deps, act]);

  const disable = useCallback(() => {
    if (!deps) return Promise.resolve();
    return act(async () => {
      await disablePush(deps);
      return pushState(readPushEnvironment(), { subscribed: false, registered: true });
    });
  }, [deps, act]);

  const forgetThisBrowser = useCallback(() => {
    if (!deps) return Promise.resolve();
    return act(async () => {
      await unregisterThisBrowser(deps);
      return pushState(readPushEnvironment(), { subscribed: false, registered: false });
    });
  }, [deps, act]);

  const unregister = useCallback(async () => {
    if (deps) await unregisterThisBrowser(deps);
    // The app icon's count is this user's: it must not stay on the icon after sign-out.
    await setAppBadge(0);
  }, [deps]);

  return { state, busy, error, endpointId, enable, disable, forgetThisBrowser, unregister };
}

const PushStateContext = createContext<PushController | null>(null);

export function PushStateProvider({ value, children }: { value: PushController; children: ReactNode }) {
  return createElement(PushStateContext.Provider, { value }, children);
}

export function usePushState(): PushController {
  const value = useContext(PushStateContext);
  if (!value) throw new Error("usePushState must be used inside a PushStateProvider");
  return value;
}
