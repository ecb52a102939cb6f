import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import webpush from "web-push";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { assertVapidPair, loadVapidKeys } from "../../server/push/send/vapid";

const subject = "mailto:ops@contoso.test";
const { publicKey: publicKeyForSubjects, privateKey: privateKeyForSubjects } = webpush.generateVAPIDKeys();
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "vapid-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (vapid: { publicKey?: string; privateKey?: string; subject?: string } = {}, dataDir = dir) => ({
  dataDir,
  vapid: { publicKey: vapid.publicKey, privateKey: vapid.privateKey, subject: vapid.subject ?? subject },
});

describe("VAPID keys", () => {
  it("generates a pair into the data folder on first start (mode 0600) and reads the same pair afterwards", async () => {
    const first = await loadVapidKeys(config());
    expect(first.source).toBe("generated");
    assertVapidPair(first.publicKey, first.privateKey, "generated");
    const file = path.join(dir, "push", "vapid.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await loadVapidKeys(config());
    expect(second).toEqual({ ...first, source: "data folder" });
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ publicKey: first.publicKey, privateKey: first.privateKey });
  });

  it("narrows a key file that others may read to 0600 (it holds the private key), keeping the pair", async () => {
    const first = await loadVapidKeys(config());
    const file = path.join(dir, "push", "vapid.json");
    await chmod(file, 0o644);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      expect(await loadVapidKeys(config())).toEqual({ ...first, source: "data folder" });
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/readable by others \(mode 644\)/));
    } finally {
      warn.mockRestore();
    }
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("prefers keys from configuration over the data folder", async () => {
    await loadVapidKeys(config());
    const configured = webpush.generateVAPIDKeys();
    const keys = await loadVapidKeys(config(configured));
    expect(keys).toEqual({ ...configured, subject, source: "configuration" });
  });

  it("refuses half a configured pair, naming the missing key", async () => {
    const { publicKey, privateKey } = webpush.generateVAPIDKeys();
    await expect(loadVapidKeys(config({ publicKey }))).rejects.toThrow(/VAPID_PRIVATE_KEY is missing/);
    await expect(loadVapidKeys(config({ privateKey }))).rejects.toThrow(/VAPID_PUBLIC_KEY is missing/);
  });

  it("refuses configured keys that are not one P-256 pair in base64url", async () => {
    const a = webpush.generateVAPIDKeys();
    const b = webpush.generateVAPIDKeys();
    await expect(loadVapidKeys(config({ publicKey: a.publicKey, privateKey: b.privateKey }))).rejects.toThrow(/does not belong/);
    await expect(loadVapidKeys(config({ publicKey: `${a.publicKey}==`, privateKey: a.privateKey }))).rejects.toThrow(/base64url/);
    await expect(loadVapidKeys(config({ publicKey: a.publicKey.slice(0, 40), privateKey: a.privateKey }))).rejects.toThrow(/65-byte/);
    await expect(loadVapidKeys(config({ publicKey: a.publicKey, privateKey: a.privateKey.slice(0, 20) }))).rejects.toThrow(/32 bytes/);
  });

  it("refuses a damaged key file instead of silently replacing it (that would orphan every subscription)", async () => {
    await loadVapidKeys(config());
    const file = path.join(dir, "push", "vapid.json");
    await writeFile(file, "{not json");
    await expect(loadVapidKeys(config())).rejects.toThrow(/not JSON/);
    const other = webpush.generateVAPIDKeys();
    const mine = webpush.generateVAPIDKeys();
    await writeFile(file, JSON.stringify({ publicKey: other.publicKey, privateKey: mine.privateKey }));
    await expect(loadVapidKeys(config())).rejects.toThrow(/does not belong/);
  });

  it("makes a fresh pair per process for an in-memory store, writing nothing", async () => {
    const a = await loadVapidKeys(config({}, "memory://"));
    const b = await loadVapidKeys(config({}, "memory://"));
    expect(a.source).toBe("memory");
    expect(a.publicKey).not.toBe(b.publicKey);
    assertVapidPair(a.publicKey, a.privateKey, "memory");
  });

  it("refuses a subject that is neither mailto: nor https:", async () => {
    await expect(loadVapidKeys(config({ subject: "ops@contoso.test" }))).rejects.toThrow(/VAPID_SUBJECT/);
  });

  it("refuses at start a subject web-push would refuse at every send", async () => {
    for (const bad of ["https:", "https://", "https://ops contoso.test"]) {
      expect(() => webpush.getVapidHeaders("https://fcm.googleapis.com", bad, publicKeyForSubjects, privateKeyForSubjects, "aes128gcm")).toThrow();
      await expect(loadVapidKeys(config({ subject: bad }))).rejects.toThrow(/VAPID_SUBJECT/);
    }
    // web-push lets an empty mailto: through; it names no contact, so it is refused too.
    await expect(loadVapidKeys(config({ subject: "mailto:" }))).rejects.toThrow(/VAPID_SUBJECT/);
    for (const good of ["mailto:ops@contoso.test", "https://contoso.test/contact"]) {
      await expect(loadVapidKeys(config({ subject: good }, "memory://"))).resolves.toMatchObject({ subject: good });
    }
  });
});
