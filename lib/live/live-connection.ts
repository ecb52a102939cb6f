// One live stream (GET /me/notifications/stream) read with fetch, since the bearer token goes in a
// header: parsed with eventsource-parser, reconnected with backoff and full jitter, resumed with
// Last-Event-ID. A 401 renews the token once (silently) and retries at once before backing off; a
// stream that ends (the token expired, the service restarted) reconnects with a fresh token. It
// never signs the user in interactively: without a silent token it stops (the inbox's own requests
// ask for sign-in), and offline it waits for `online`.
import { createParser } from "eventsource-parser";
import { SignInRequiredError } from "@/lib/auth/token";
import { LIVE_BACKOFF, backoffDelay, type BackoffPolicy } from "./backoff";
import { parseStreamEvent, type StreamEvent } from "./live-messages";

export interface LiveConnectionOptions {
  url: string;
  /** A token; `forceRefresh` after the service refused one. Must not redirect to sign in. */
  getToken: (forceRefresh: boolean) => Promise<string>;
  onEvent: (event: StreamEvent) => void;
  /** The stream is open (status 200); `reconnect` when it is not the first since start. */
  onOpen?: (info: { reconnect: boolean }) => void;
  /** The position to resume from (kept by the caller: another tab may have read further). */
  lastEventId: () => string | undefined;
  /** This browser's endpoint id, sent as X-Endpoint-Id like every other request of the page. */
  endpointId?: () => string | undefined;
  fetch?: typeof fetch;
  policy?: BackoffPolicy;
  random?: () => number;
  /** Without a byte for this long (the service sends a heartbeat every 25 s), the stream is taken as dead. */
  idleTimeoutMs?: number;
  isOnline?: () => boolean;
  /** Resolves when the browser is online again (or the signal aborts). */
  waitOnline?: (signal: AbortSignal) => Promise<void>;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Diagnostics: each delay chosen (tests and logs). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface LiveConnection {
  stop(): void;
  /** Settles when the loop has ended (after stop(), or when no silent token can be had). */
  done: Promise<void>;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

function waitForOnline(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || typeof window === "undefined") return resolve();
    const done = () => {
      window.removeEventListener("online", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    window.addEventListener("online", done);
    signal.addEventListener("abort", done);
  });
}

const browserOnline = () => typeof navigator === "undefined" || navigator.onLine !== false;

export function startLiveConnection(options: LiveConnectionOptions): LiveConnection {
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const policy = options.policy ?? LIVE_BACKOFF;
  const random = options.random ?? Math.random;
  const idleTimeoutMs = options.idleTimeoutMs ?? 65_000;
  const isOnline = options.isOnline ?? browserOnline;
  const waitOnline = options.waitOnline ?? waitForOnline;
  const sleep = options.sleep ?? abortableSleep;
  const stopper = new AbortController();
  const stopped = stopper.signal;

  /** Opens the stream; a 401 renews the token and tries once more. */
  async function open(signal: AbortSignal): Promise<Response> {
    const request = async (forceRefresh: boolean) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${await options.getToken(forceRefresh)}`, Accept: "text/event-stream" };
      const lastEventId = options.lastEventId();
      if (lastEventId) headers["Last-Event-ID"] = lastEventId;
      const endpointId = options.endpointId?.();
      if (endpointId) headers["X-Endpoint-Id"] = endpointId;
      return fetchImpl(options.url, { headers, cache: "no-store", signal });
    };
    const first = await request(false);
    if (first.status !== 401) return first;
    void first.body?.cancel().catch(() => undefined);
    return request(true);
  }

  /** Reads one open stream to its end; true when it delivered at least one event (it was healthy). */
  async function read(response: Response, abort: AbortController): Promise<boolean> {
    let healthy = false;
    const parser = createParser({
      onEvent(message) {
        const event = parseStreamEvent(message);
        if (!event) return;
        healthy = true;
        options.onEvent(event);
      },
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let idle: ReturnType<typeof setTimeout> | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(), idleTimeoutMs);
    };
    armIdle();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        armIdle();
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // Aborted (stop, idle) or the connection broke: the caller reconnects unless stopped.
    } finally {
      clearTimeout(idle);
    }
    return healthy;
  }

  async function run(): Promise<void> {
    let attempt = 0;
    let opened = false;
    while (!stopped.aborted) {
      if (!isOnline()) {
        await waitOnline(stopped);
        continue;
      }
      const abort = new AbortController();
      const onStop = () => abort.abort();
      stopped.addEventListener("abort", onStop);
      let reason: string;
      try {
        const response = await open(abort.signal);
        const isStream = (response.headers.get("content-type") ?? "").startsWith("text/event-stream");
        if (response.ok && isStream && response.body) {
          options.onOpen?.({ reconnect: opened });
          opened = true;
          if (await read(response, abort)) attempt = 0;
          reason = "ended";
        } else {
          void response.body?.cancel().catch(() => undefined);
          reason = `status ${response.status}`;
        }
      } catch (error) {
        if (error instanceof SignInRequiredError) return;
        reason = stopped.aborted ? "stopped" : "network";
      } finally {
        stopped.removeEventListener("abort", onStop);
      }
      if (stopped.aborted) return;
      const delayMs = backoffDelay(attempt, policy, random);
      options.onRetry?.({ attempt, delayMs, reason });
      attempt++;
      await sleep(delayMs, stopped);
    }
  }

  const done = run();
  return { stop: () => stopper.abort(), done };
}
