// Sends one encrypted Web Push message (RFC 8030/8291/8292) with what can be
// reused across sends: the VAPID Authorization header per push-service origin
// (one ES256 signature per origin per ~12 h instead of one per message) and a
// keep-alive https.Agent per origin (no TLS handshake per message). The
// message itself is encrypted by web-push (aes128gcm, a fresh ECDH key and
// salt per message, as RFC 8291 requires).
import { existsSync } from "node:fs";
import type { ClientRequest } from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import webpush from "web-push";
import type { EncryptReply, EncryptRequest } from "./encrypt-worker";
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

const WORKER_FILE = "encrypt-worker.ts";

/**
 * Where encrypt-worker.ts is: beside this module under tsx and Vitest. Under
 * `next start` this module is a chunk of Turbopack's build (import.meta.url is
 * not the source file), so it is found from the working directory: the app is
 * started from the project root, whose sources ship with it.
 */
function encryptWorkerFile(): string | undefined {
  const candidates = [path.resolve("server", "push", "send", WORKER_FILE)];
  try {
    candidates.unshift(path.join(path.dirname(fileURLToPath(import.meta.url)), WORKER_FILE));
  } catch {
    // Not a file: URL (a bundle): the working directory's copy it is.
  }
  return candidates.find((file) => existsSync(file));
}

/**
 * Starts encrypt-worker.ts in a thread. Node 20 does not apply ESM loader hooks
 * (tsx's `--import tsx`) to worker threads, so this bootstrap registers tsx's
 * CommonJS hook (tsx is a runtime dependency, resolved from the worker file, not
 * the working directory) and requires the file. It is a string so that no
 * bundler rewrites its require calls: Turbopack once turned a require.resolve
 * into a numeric module id, which killed the worker at its first message.
 */
const BOOTSTRAP = `const { workerData } = require("node:worker_threads");
require(require.resolve("tsx/cjs/api", { paths: [workerData.file] })).register();
require(workerData.file);`;

export interface EncryptWorker {
  encrypt: Encrypt;
  close(): void;
  /** The worker died (or was closed): sends are encrypted on the main thread now. */
  readonly encryptsInline: boolean;
}

/**
 * One encryption worker fed in batches: requests made in the same tick go
 * over as one message. Returns undefined when a worker cannot be started (the
 * caller encrypts inline). If the worker dies (an error, an exit, close()),
 * what it still owed and everything after is encrypted inline: a dead worker
 * must neither fail those sends (they would be recorded as failed for good)
 * nor leave them waiting forever. `source` replaces the worker with eval'd
 * code (tests: a worker that crashes).
 */
export function startEncryptWorker(source?: string): EncryptWorker | undefined {
  let worker: Worker;
  try {
    if (source !== undefined) worker = new Worker(source, { eval: true });
    else {
      const file = encryptWorkerFile();
      if (!file) {
        console.warn(`[push] ${WORKER_FILE} not found: encrypting inline`);
        return undefined;
      }
      worker = new Worker(BOOTSTRAP, { eval: true, workerData: { file } });
    }
  } catch {
    return undefined;
  }
  // Never keeps the process alive; idle between fan-outs.
  worker.unref();
  type Pending = { item: EncryptRequest["items"][number]; resolve: (b: Buffer) => void; reject: (e: Error) => void };
  const waiting = new Map<number, Array<Pending | undefined>>();
  let batch: Pending[] | undefined;
  let nextId = 1;
  let broken = false;
  let closing = false;

  const inline = (p: Pending) => encryptInline(...p.item).then(p.resolve, p.reject);
  const giveUp = () => {
    if (broken) return;
    broken = true;
    for (const pending of waiting.values()) for (const p of pending) if (p) void inline(p);
    waiting.clear();
  };

  function settle(m: EncryptReply): void {
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
  }

  /** Sends the tick's batch as one message (inline if the worker died meanwhile). */
  function post(current: Pending[]): void {
    batch = undefined;
    if (broken) {
      for (const q of current) void inline(q);
      return;
    }
    const request: EncryptRequest = { id: nextId++, items: current.map((q) => q.item) };
    waiting.set(request.id, current);
    worker.postMessage(request);
  }

  worker.on("message", settle);
  worker.on("error", (err) => {
    console.error("[push] encryption worker failed, encrypting inline from now on:", err.message);
    giveUp();
  });
  worker.on("exit", (code) => {
    if (!closing && !broken) console.error(`[push] encryption worker exited (code ${code}), encrypting inline from now on`);
    giveUp();
  });

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
          setImmediate(() => post(current));
        }
        batch.push(p);
      });
    },
    close() {
      closing = true;
      void worker.terminate();
    },
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
