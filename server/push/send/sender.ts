// Sends one encrypted Web Push message (RFC 8030/8291/8292) with what can be
// reused across sends: the VAPID Authorization header per push-service origin
// (one ES256 signature per origin per ~12 h instead of one per message) and a
// keep-alive https.Agent per origin (no TLS handshake per message). The
// message itself is encrypted by web-push (aes128gcm, a fresh ECDH key and
// salt per message, as RFC 8291 requires).
import type { ClientRequest } from "node:http";
import https from "node:https";
import { createRequire } from "node:module";
import os from "node:os";
import { Worker } from "node:worker_threads";
import webpush from "web-push";
import type { PushHeaders } from "./headers";

export interface VapidDetails {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface SendOutcome {
  /** HTTP status, or 0 when no answer came (network error, timeout). */
  status: number;
  /** The push service's Retry-After header, as sent. */
  retryAfter?: string;
  /** Network error or timeout text, for logs. */
  error?: string;
}

export interface PushSenderOptions {
  vapid: VapidDetails;
  /**
   * The CA certificates to trust INSTEAD of the system's (tests' loopback push
   * service: no real push service is reachable then); unset, the system's and NODE_EXTRA_CA_CERTS.
   */
  ca?: string | Buffer;
  /**
   * Per-request timeout, from the moment the request has a socket to the end
   * of the answer (a push service trickling its answer is cut off too); no
   * answer in time counts as a 5xx (retried). Default 10 s.
   */
  timeoutMs?: number;
  /** Sockets per push-service origin. Default 64. */
  maxSocketsPerOrigin?: number;
  /** VAPID JWT lifetime (RFC 8292 allows at most 24 h). Default 12 h. */
  vapidLifetimeSeconds?: number;
  /**
   * Encrypt in a worker thread (web-push's encrypt there), so the ECDH of
   * every message runs beside the sockets and the store instead of between
   * them. Default: on when the machine has more than one core.
   */
  encryptInWorker?: boolean;
}

export interface PushSender {
  send(target: PushTarget, payload: string, headers: PushHeaders): Promise<SendOutcome>;
  /**
   * Stops sending: requests in flight or waiting for a socket are aborted
   * (answered status 0, so they are retried after a restart), later sends
   * are answered status 0 without a request, the sockets and the worker go.
   */
  close(): void;
}

type Encrypt = (p256dh: string, auth: string, payload: string) => Promise<Buffer>;

function encryptInline(p256dh: string, auth: string, payload: string): Promise<Buffer> {
  try {
    return Promise.resolve(webpush.encrypt(p256dh, auth, payload, "aes128gcm").cipherText);
  } catch (err) {
    return Promise.reject(err as Error);
  }
}

// The worker is plain CommonJS run with eval, so it needs no build step of its
// own; it loads the same web-push the service does, by absolute path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
// No path when the service runs bundled (Next resolves modules to ids, not files): then the worker's own
// require finds web-push from the working directory, as the app is started from the project root.
const webpush = require(workerData.webPushPath || "web-push");
// Answers in slices of 8, so the first sends leave while the rest of a batch is encrypted.
parentPort.on("message", ({ id, items }) => {
  for (let start = 0; start < items.length; start += 8) {
    const results = items.slice(start, start + 8).map(([p256dh, auth, payload]) => {
      try {
        return { ok: webpush.encrypt(p256dh, auth, payload, "aes128gcm").cipherText };
      } catch (err) {
        return { error: String(err && err.message || err) };
      }
    });
    parentPort.postMessage({ id, start, results, last: start + 8 >= items.length });
  }
});
`;

/**
 * One encryption worker fed in batches: requests made in the same tick go
 * over as one message. Returns undefined when a worker cannot be started (the
 * caller encrypts inline). If the worker dies (an error, an exit, close()),
 * what it still owed and everything after is encrypted inline: a dead worker
 * must neither fail those sends (they would be recorded as failed for good)
 * nor leave them waiting forever.
 */
export function startEncryptWorker(
  source: string = WORKER_SOURCE,
): { encrypt: Encrypt; close(): void; readonly encryptsInline: boolean } | undefined {
  let worker: Worker;
  try {
    const resolved: unknown = createRequire(import.meta.url).resolve("web-push");
    const webPushPath = typeof resolved === "string" ? resolved : undefined;
    worker = new Worker(source, { eval: true, workerData: { webPushPath } });
  } catch {
    return undefined;
  }
  // Never keeps the process alive; idle between fan-outs.
  worker.unref();
  type Pending = { item: [string, string, string]; resolve: (b: Buffer) => void; reject: (e: Error) => void };
  const waiting = new Map<number, Array<Pending | undefined>>();
  let batch: Pending[] | undefined;
  let nextId = 1;
  let broken = false;

  const inline = (p: Pending) => encryptInline(...p.item).then(p.resolve, p.reject);
  const giveUp = () => {
    if (broken) return;
    broken = true;
    for (const pending of waiting.values()) for (const p of pending) if (p) void inline(p);
    waiting.clear();
  };

  type Reply = { id: number; start: number; last: boolean; results: Array<{ ok?: Uint8Array; error?: string }> };
  worker.on("message", (m: Reply) => {
    const pending = waiting.get(m.id);
    if (!pending) return;
    m.results.forEach((r, i) => {
      const p = pending[m.start + i];
      // Answered: a later death of the worker must not encrypt it again.
      pending[m.start + i] = undefined;
      if (r.ok) p?.resolve(Buffer.from(r.ok.buffer, r.ok.byteOffset, r.ok.byteLength));
      else p?.reject(new Error(r.error ?? "encryption failed"));
    });
    if (m.last) waiting.delete(m.id);
  });
  worker.on("error", (err) => {
    console.error("[push] encryption worker failed, encrypting inline from now on:", err.message);
    giveUp();
  });
  worker.on("exit", giveUp);

  return {
    encrypt(p256dh, auth, payload) {
      return new Promise<Buffer>((resolve, reject) => {
        const p: Pending = { item: [p256dh, auth, payload], resolve, reject };
        if (broken) {
          void inline(p);
          return;
        }
        if (!batch) {
          const current: Pending[] = [];
          batch = current;
          setImmediate(() => {
            batch = undefined;
            if (broken) {
              for (const q of current) void inline(q);
              return;
            }
            const id = nextId++;
            waiting.set(id, current);
            worker.postMessage({ id, items: current.map((q) => q.item) });
          });
        }
        batch.push(p);
      });
    },
    close() {
      void worker.terminate();
    },
    /** The worker died (or was closed): sends are encrypted on the main thread now. */
    get encryptsInline() {
      return broken;
    },
  };
}

interface CachedVapid {
  authorization: string;
  /** Unix seconds. */
  expires: number;
}

export function createPushSender(opts: PushSenderOptions): PushSender {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const lifetime = opts.vapidLifetimeSeconds ?? 12 * 3600;
  const agents = new Map<string, https.Agent>();
  const vapid = new Map<string, CachedVapid>();
  const useWorker = opts.encryptInWorker ?? os.availableParallelism() > 1;
  const encryptor = useWorker ? startEncryptWorker() : undefined;
  const encrypt: Encrypt = encryptor ? encryptor.encrypt : encryptInline;
  // Requests not yet answered: close() aborts them (destroying the agents alone
  // would let the ones queued for a socket go out after close).
  const live = new Set<ClientRequest>();
  let closed = false;
  const CLOSED: SendOutcome = { status: 0, error: "push sender closed" };

  function agentFor(origin: string): https.Agent {
    let agent = agents.get(origin);
    if (!agent) {
      agent = new https.Agent({
        keepAlive: true,
        maxSockets: opts.maxSocketsPerOrigin ?? 64,
        maxFreeSockets: opts.maxSocketsPerOrigin ?? 64,
        ...(opts.ca ? { ca: opts.ca } : {}),
      });
      agents.set(origin, agent);
    }
    return agent;
  }

  function authorizationFor(origin: string): string {
    const nowSec = Math.floor(Date.now() / 1000);
    const cached = vapid.get(origin);
    // Re-signed an hour before expiry, so a slow queue never sends a dead JWT.
    if (cached && cached.expires - nowSec > 3600) return cached.authorization;
    const expires = nowSec + lifetime;
    const headers = webpush.getVapidHeaders(
      origin,
      opts.vapid.subject,
      opts.vapid.publicKey,
      opts.vapid.privateKey,
      "aes128gcm",
      expires,
    ) as { Authorization: string };
    vapid.set(origin, { authorization: headers.Authorization, expires });
    return headers.Authorization;
  }

  return {
    async send(target, payload, headers) {
      if (closed) return CLOSED;
      let url: URL;
      try {
        url = new URL(target.endpoint);
      } catch {
        return { status: 0, error: "endpoint is not a URL" };
      }
      let body: Buffer;
      try {
        body = await encrypt(target.p256dh, target.auth, payload);
      } catch (err) {
        // Keys the browser never could have made: no retry will help.
        return { status: 400, error: `encryption failed: ${(err as Error).message}` };
      }
      if (closed) return CLOSED;
      const requestHeaders: Record<string, string | number> = {
        TTL: headers.ttl,
        Urgency: headers.urgency,
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "Content-Length": body.length,
        Authorization: authorizationFor(url.origin),
      };
      if (headers.topic) requestHeaders.Topic = headers.topic;
      return new Promise<SendOutcome>((settle) => {
        let deadline: NodeJS.Timeout | undefined;
        const resolve = (o: SendOutcome) => {
          clearTimeout(deadline);
          live.delete(req);
          settle(o);
        };
        const req = https.request(
          url,
          { method: "POST", headers: requestHeaders, agent: agentFor(url.origin), timeout: timeoutMs },
          (res) => {
            // Drain the body so the socket returns to the keep-alive pool.
            res.resume();
            res.on("end", () => {
              const retryAfter = res.headers["retry-after"];
              resolve({ status: res.statusCode ?? 0, ...(retryAfter ? { retryAfter: String(retryAfter) } : {}) });
            });
            res.on("error", (err) => resolve({ status: 0, error: err.message }));
          },
        );
        const giveUp = () => req.destroy(new Error(`no answer in ${timeoutMs} ms`));
        // The socket's idle timeout covers connecting and silence; this covers an answer that never ends.
        req.on("timeout", giveUp);
        req.once("socket", () => {
          deadline ??= setTimeout(giveUp, timeoutMs);
        });
        req.on("error", (err) => resolve({ status: 0, error: err.message }));
        live.add(req);
        req.end(body);
      });
    },
    close() {
      closed = true;
      for (const req of live) req.destroy(new Error("push sender closed"));
      live.clear();
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
      encryptor?.close();
    },
  };
}
