// The encryption worker thread: web-push's aes128gcm encrypt (a fresh ECDH key
// and salt per message, as RFC 8291 requires) off the main thread, so the
// per-message ECDH runs beside the sockets and the store. The sender
// (sender.ts) starts it and falls back to encrypting inline if it dies.
import { parentPort } from "node:worker_threads";
import webpush from "web-push";

/** One batch of messages to encrypt: [p256dh, auth, payload] each. */
export interface EncryptRequest {
  id: number;
  items: Array<[p256dh: string, auth: string, payload: string]>;
}

/** A slice of a batch's results, from `start`; `last` on the batch's final slice. */
export interface EncryptReply {
  id: number;
  start: number;
  last: boolean;
  results: Array<{ ok?: Uint8Array; error?: string }>;
}

/** Answers in slices of this many, so the first sends leave while the rest of a batch is encrypted. */
const SLICE = 8;

function encryptOne([p256dh, auth, payload]: EncryptRequest["items"][number]): EncryptReply["results"][number] {
  try {
    return { ok: webpush.encrypt(p256dh, auth, payload, "aes128gcm").cipherText };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function answer(port: NonNullable<typeof parentPort>, { id, items }: EncryptRequest): void {
  for (let start = 0; start < items.length; start += SLICE) {
    const reply: EncryptReply = { id, start, results: items.slice(start, start + SLICE).map(encryptOne), last: start + SLICE >= items.length };
    port.postMessage(reply);
  }
}

// Only in a worker thread: the sender imports this file's types, never its code.
const port = parentPort;
if (port) port.on("message", (request: EncryptRequest) => answer(port, request));
