// The sender's encryption worker: when it dies, the sends it still owed (and
// every later one) are encrypted inline: none fails, none waits forever.
import { createECDH, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { startEncryptWorker } from "../../server/push/send/sender";

function browserKeys(): { p256dh: string; auth: string } {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") };
}

async function encryptMany(encrypt: (p: string, a: string, s: string) => Promise<Buffer>, n: number): Promise<Buffer[]> {
  const k = browserKeys();
  return Promise.all(Array.from({ length: n }, (_, i) => encrypt(k.p256dh, k.auth, `{"n":${i}}`)));
}

describe("the encryption worker", () => {
  it("encrypts in the worker while it lives", async () => {
    const w = startEncryptWorker()!;
    try {
      const out = await encryptMany(w.encrypt, 20);
      // aes128gcm: a 86-byte header (salt, record size, 65-byte key) + padded record + 16-byte tag.
      expect(out.every((b) => b.length > 86 + 16)).toBe(true);
      // Still the worker's work: a worker that died at its first message falls back silently.
      expect(w.encryptsInline).toBe(false);
    } finally {
      w.close();
    }
  });

  it("encrypts inline what a crashed worker owed, and everything after", async () => {
    const w = startEncryptWorker(`require("node:worker_threads").parentPort.on("message", () => { throw new Error("boom"); });`)!;
    try {
      const owed = await encryptMany(w.encrypt, 10);
      expect(owed).toHaveLength(10);
      expect((await encryptMany(w.encrypt, 3)).every((b) => b.length > 86)).toBe(true);
      expect(w.encryptsInline).toBe(true);
    } finally {
      w.close();
    }
  });

  it("does not leave sends waiting when the worker exits without an error", async () => {
    const w = startEncryptWorker(`require("node:worker_threads").parentPort.on("message", () => process.exit(0));`)!;
    try {
      expect(await encryptMany(w.encrypt, 5)).toHaveLength(5);
      expect(w.encryptsInline).toBe(true);
    } finally {
      w.close();
    }
  });

  it("still encrypts after close() (a fan-out finishing while the service stops)", async () => {
    const w = startEncryptWorker()!;
    w.close();
    expect(await encryptMany(w.encrypt, 3)).toHaveLength(3);
  });

  it("rejects keys no browser could have made, without killing the worker", async () => {
    const w = startEncryptWorker()!;
    try {
      await expect(w.encrypt("AAAA", "AAAA", "{}")).rejects.toThrow();
      expect(await encryptMany(w.encrypt, 2)).toHaveLength(2);
      expect(w.encryptsInline).toBe(false);
    } finally {
      w.close();
    }
  });
});
