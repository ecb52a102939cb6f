// `npm run send` as a function of (argv, env, output streams) → exit code, so the
// whole command — token, POST, error reporting — is tested against servers on
// loopback without spawning a process.
import { parseRetryAfter } from "../../lib/api/errors";
import { getAppToken, TokenError } from "./client-credentials";
import { GraphApiError, postNotification } from "./notifications-client";
import { parseSendArgs, SEND_USAGE, type Env } from "./send-args";
import { loadSenderConfig, resolveClientSecret } from "./sender-config";

export interface SendIo {
  env: Env;
  /** Receives only the new id, so `id=$(npm run -s send -- …)` captures it. */
  stdout: (line: string) => void;
  /** Everything meant for a person: progress, details, errors, usage. */
  stderr: (line: string) => void;
  now?: Date;
  /** Waits before a retry; injectable so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** 429 and 503 mean the service did not take the notification: safe to send again. */
const RETRYABLE = new Set([429, 503]);
const MAX_RETRIES = 2;
/** A longer wait than this is reported instead of waited out: a CLI should not hang. */
const MAX_RETRY_WAIT_MS = 30_000;

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  const seconds = parseRetryAfter(value, now);
  return seconds === undefined ? undefined : seconds * 1000;
}

async function postWithRetry(
  io: SendIo,
  ...args: Parameters<typeof postNotification>
): ReturnType<typeof postNotification> {
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await postNotification(...args);
    } catch (err) {
      if (!(err instanceof GraphApiError) || !RETRYABLE.has(err.status) || attempt >= MAX_RETRIES) throw err;
      const wait = retryAfterMs(err.retryAfter) ?? 1000 * 2 ** attempt;
      if (wait > MAX_RETRY_WAIT_MS) throw err;
      io.stderr(`send: ${err.status} ${err.code}; retrying in ${Math.ceil(wait / 1000)} s`);
      await sleep(wait);
    }
  }
}

export async function runSend(argv: readonly string[], io: SendIo): Promise<number> {
  const parsed = parseSendArgs(argv, io.env, io.now);
  if (parsed.kind === "help") {
    io.stderr(SEND_USAGE);
    return EXIT_OK;
  }
  if (parsed.kind === "error") {
    io.stderr(`send: ${parsed.message}\n`);
    io.stderr(SEND_USAGE);
    return EXIT_USAGE;
  }
  const { to, request } = parsed.args;
  const config = loadSenderConfig(io.env);

  try {
    // The service accepts ISSUER as Entra's multi-tenant template; a token must come from one tenant.
    if (/\{tenantid\}/i.test(config.issuer)) {
      throw new Error(
        `ISSUER ${config.issuer} is a template; run the sender with its tenant's issuer, e.g. ISSUER=https://login.microsoftonline.com/<tenant-id>/v2.0`,
      );
    }
    const clientSecret = await resolveClientSecret(config, io.env);
    const token = await getAppToken({ issuer: config.issuer, clientId: config.clientId, clientSecret, scope: config.scope });
    const created = await postWithRetry(io, config.apiUrl, token.accessToken, to, request);
    io.stdout(created.id);
    const title = request.payload.visualContent?.title;
    io.stderr(
      [
        `sent to ${to}${title ? `: "${title}"` : ""}`,
        `  id          ${created.id}`,
        created.location ? `  location    ${created.location}` : undefined,
        typeof created.body.expirationDateTime === "string" ? `  expires     ${created.body.expirationDateTime}` : undefined,
        typeof created.body.priority === "string" ? `  priority    ${created.body.priority}` : undefined,
        created.requestId ? `  request-id  ${created.requestId}` : undefined,
      ]
        .filter(Boolean)
        .join("\n"),
    );
    return EXIT_OK;
  } catch (err) {
    if (err instanceof GraphApiError) {
      io.stderr(
        [
          err.status ? `send: the API answered ${err.status} ${err.code}: ${err.message}` : `send: ${err.message}`,
          err.requestId ? `  request-id         ${err.requestId}` : undefined,
          // Only a request that reached the service has an id worth quoting.
          err.status ? `  client-request-id  ${err.clientRequestId}` : undefined,
          err.retryAfter ? `  retry after        ${err.retryAfter} s` : undefined,
        ]
          .filter(Boolean)
          .join("\n"),
      );
    } else if (err instanceof TokenError) {
      io.stderr(`send: ${err.message}`);
    } else {
      io.stderr(`send: ${(err as Error).message}`);
    }
    return EXIT_FAILED;
  }
}
