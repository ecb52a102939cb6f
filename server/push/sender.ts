// Sends one encrypted Web Push message (RFC 8030/8291/8292) with what can be
// reused across sends: the VAPID Authorization header per push-service origin
// (one ES256 signature per origin per ~12 h instead of one per message) and a
// keep-alive https.Agent per origin (no TLS handshake per message). The
// message itself is encrypted by web-push (aes128gcm, a fresh ECDH key and
// salt per message, as RFC 8291 requires).
import https from "node:https";
import webpush from "web-push";
import type { PushHeaders } from "./push-headers";

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
  /** Extra CA certificates to trust (tests' loopback push service); else the system's and NODE_EXTRA_CA_CERTS. */
  ca?: string | Buffer;
  /** Per-request timeout; no answer in time counts as a 5xx (retried). Default 10 s. */
  timeoutMs?: number;
  /** Sockets per push-service origin. Default 64. */
  maxSocketsPerOrigin?: number;
  /** VAPID JWT lifetime (RFC 8292 allows at most 24 h). Default 12 h. */
  vapidLifetimeSeconds?: number;
}

export interface PushSender {
  send(target: PushTarget, payload: string, headers: PushHeaders): Promise<SendOutcome>;
  /** Closes the keep-alive sockets. */
  close(): void;
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
    send(target, payload, headers) {
      let url: URL;
      try {
        url = new URL(target.endpoint);
      } catch {
        return Promise.resolve({ status: 0, error: "endpoint is not a URL" });
      }
      let body: Buffer;
      try {
        body = webpush.encrypt(target.p256dh, target.auth, payload, "aes128gcm").cipherText;
      } catch (err) {
        // Keys the browser never could have made: no retry will help.
        return Promise.resolve({ status: 400, error: `encryption failed: ${(err as Error).message}` });
      }
      const requestHeaders: Record<string, string | number> = {
        TTL: headers.ttl,
        Urgency: headers.urgency,
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "Content-Length": body.length,
        Authorization: authorizationFor(url.origin),
      };
      if (headers.topic) requestHeaders.Topic = headers.topic;
      return new Promise<SendOutcome>((resolve) => {
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
        req.on("timeout", () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
        req.on("error", (err) => resolve({ status: 0, error: err.message }));
        req.end(body);
      });
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}
