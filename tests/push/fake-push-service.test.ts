// The fake push service accepts what a real push service accepts and refuses
// what it refuses: checked with the web-push library itself, the sender the
// product uses, plus hand-made requests for what web-push would never send.
import { Agent, request } from "node:https";
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { startFakePushService, type FakePushService, type TestSubscription } from "../../testing/fake-push-service";

let fake: FakePushService;
let agent: Agent;
const vapid = webpush.generateVAPIDKeys();
const subject = "mailto:tests@example.test";

beforeAll(async () => {
  fake = await startFakePushService();
  agent = new Agent({ ca: fake.caPem, keepAlive: true });
});

afterAll(async () => {
  agent.destroy();
  await fake.close();
});

function sendWith(sub: TestSubscription, payload: string | null, options: webpush.RequestOptions = {}) {
  return webpush.sendNotification(sub, payload, {
    vapidDetails: { subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
    TTL: 60,
    agent,
    ...options,
  });
}

/** A VAPID Authorization header for `claims`, signed by `keyPair` and announcing public key `k`. */
function vapidHeader(claims: Record<string, unknown>, k = vapid.publicKey, signer: KeyObject = signerFromVapid()): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${enc({ typ: "JWT", alg: "ES256" })}.${enc(claims)}`;
  const sig = sign("sha256", Buffer.from(input), { key: signer, dsaEncoding: "ieee-p1363" }).toString("base64url");
  return `vapid t=${input}.${sig}, k=${k}`;
}

function signerFromVapid(): KeyObject {
  const pub = Buffer.from(vapid.publicKey, "base64url");
  return createPrivateKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: pub.subarray(1, 33).toString("base64url"),
      y: pub.subarray(33).toString("base64url"),
      d: vapid.privateKey,
    },
    format: "jwk",
  });
}

/** One raw POST to the fake, returning the status. */
function rawPost(endpoint: string, headers: Record<string, string>, body: Buffer | string = ""): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(endpoint, { method: "POST", headers, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function encryptedBody(sub: TestSubscription, text: string): Promise<Buffer> {
  const details = webpush.generateRequestDetails(sub, text, {
    vapidDetails: { subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
    TTL: 60,
  });
  return details.body as Buffer;
}

const now = () => Math.floor(Date.now() / 1000);

describe("fake push service", () => {
  it("accepts a push sent by web-push and hands back the decrypted payload, TTL, urgency, topic and VAPID claims", async () => {
    const sub = fake.createSubscription();
    const payload = JSON.stringify({ v: 1, kind: "created", hello: "wörld" });
    const res = await sendWith(sub, payload, { urgency: "high", topic: "n-123" });
    expect(res.statusCode).toBe(201);
    const [d] = await fake.waitForDeliveries(1, { endpoint: sub.endpoint });
    expect(d?.plaintext).toBe(payload);
    expect(d?.json).toEqual({ v: 1, kind: "created", hello: "wörld" });
    expect(d?.ttl).toBe(60);
    expect(d?.urgency).toBe("high");
    expect(d?.topic).toBe("n-123");
    expect(d?.vapid.aud).toBe(fake.origin);
    expect(d?.vapid.sub).toBe(subject);
    expect(d?.vapid.publicKey).toBe(vapid.publicKey);
    expect(d!.vapid.exp).toBeGreaterThan(now());
  });

  it("refuses a JWT whose aud is another origin", async () => {
    const sub = fake.createSubscription();
    const status = await rawPost(sub.endpoint, {
      authorization: vapidHeader({ aud: "https://fcm.googleapis.com", exp: now() + 3600, sub: subject }),
      ttl: "60",
      "content-encoding": "aes128gcm",
    }, await encryptedBody(sub, "x"));
    expect(status).toBe(403);
    expect(fake.rejected().at(-1)?.reason).toMatch(/aud/);
    expect(fake.deliveries(sub.endpoint)).toHaveLength(0);
  });

  it("refuses an expired JWT and one that lives more than 24 hours", async () => {
    const sub = fake.createSubscription();
    const body = await encryptedBody(sub, "x");
    for (const exp of [now() - 3600, now() + 25 * 3600]) {
      const status = await rawPost(sub.endpoint, {
        authorization: vapidHeader({ aud: fake.origin, exp, sub: subject }),
        ttl: "60",
        "content-encoding": "aes128gcm",
      }, body);
      expect(status).toBe(403);
      expect(fake.rejected().at(-1)?.reason).toMatch(/exp/);
    }
    expect(fake.deliveries(sub.endpoint)).toHaveLength(0);
  });

  it("refuses a token it accepted before once the token has expired", async () => {
    let clock = Date.now();
    const timed = await startFakePushService({ now: () => clock });
    const a = new Agent({ ca: timed.caPem, keepAlive: true });
    try {
      const sub = timed.createSubscription();
      const headers = {
        authorization: vapidHeader({ aud: timed.origin, exp: now() + 600, sub: subject }),
        ttl: "60",
        "content-encoding": "aes128gcm",
      };
      const post = async () => {
        const details = webpush.generateRequestDetails(sub, "x", { vapidDetails: { subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey } });
        return new Promise<number>((resolve, reject) => {
          const req = request(sub.endpoint, { method: "POST", headers, agent: a }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          });
          req.on("error", reject);
          req.end(details.body as Buffer);
        });
      };
      expect(await post()).toBe(201);
      clock += 3600 * 1000;
      expect(await post()).toBe(403);
      expect(timed.rejected().at(-1)?.reason).toMatch(/expired/);
    } finally {
      a.destroy();
      await timed.close();
    }
  });

  it("refuses an Urgency or Topic a push service would not accept", async () => {
    const sub = fake.createSubscription();
    const body = await encryptedBody(sub, "x");
    const headers = {
      authorization: vapidHeader({ aud: fake.origin, exp: now() + 3600, sub: subject }),
      ttl: "60",
      "content-encoding": "aes128gcm",
    };
    expect(await rawPost(sub.endpoint, { ...headers, urgency: "urgent" }, body)).toBe(400);
    expect(fake.rejected().at(-1)?.reason).toMatch(/Urgency/);
    expect(await rawPost(sub.endpoint, { ...headers, topic: "x".repeat(33) }, body)).toBe(400);
    expect(fake.rejected().at(-1)?.reason).toMatch(/Topic/);
    expect(await rawPost(sub.endpoint, { ...headers, topic: "has spaces" }, body)).toBe(400);
    expect(await rawPost(sub.endpoint, { ...headers, urgency: "very-low", topic: "n_1-2" }, body)).toBe(201);
    expect(fake.deliveries(sub.endpoint).map((d) => [d.urgency, d.topic, d.plaintext])).toEqual([["very-low", "n_1-2", "x"]]);
  });

  it("refuses a sub that is neither mailto: nor https:", async () => {
    const sub = fake.createSubscription();
    const status = await rawPost(sub.endpoint, {
      authorization: vapidHeader({ aud: fake.origin, exp: now() + 3600, sub: "http://example.test" }),
      ttl: "60",
      "content-encoding": "aes128gcm",
    }, await encryptedBody(sub, "x"));
    expect(status).toBe(403);
    expect(fake.rejected().at(-1)?.reason).toMatch(/sub/);
  });

  it("refuses a JWT signed by a key other than the one in k", async () => {
    const sub = fake.createSubscription();
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const status = await rawPost(sub.endpoint, {
      authorization: vapidHeader({ aud: fake.origin, exp: now() + 3600, sub: subject }, vapid.publicKey, other),
      ttl: "60",
      "content-encoding": "aes128gcm",
    }, await encryptedBody(sub, "x"));
    expect(status).toBe(401);
    expect(fake.rejected().at(-1)?.reason).toMatch(/signature/);
  });

  it("refuses a body encrypted for another subscription, and garbage", async () => {
    const sub = fake.createSubscription();
    const other = fake.createSubscription();
    const headers = {
      authorization: vapidHeader({ aud: fake.origin, exp: now() + 3600, sub: subject }),
      ttl: "60",
      "content-encoding": "aes128gcm",
    };
    expect(await rawPost(sub.endpoint, headers, await encryptedBody(other, "for someone else"))).toBe(400);
    expect(fake.rejected().at(-1)?.reason).toMatch(/decrypt/);
    expect(await rawPost(sub.endpoint, headers, Buffer.alloc(200, 7))).toBe(400);
    expect(fake.deliveries(sub.endpoint)).toHaveLength(0);
  });

  it("refuses a push without TTL, without aes128gcm, or without VAPID", async () => {
    const sub = fake.createSubscription();
    const body = await encryptedBody(sub, "x");
    const auth = vapidHeader({ aud: fake.origin, exp: now() + 3600, sub: subject });
    expect(await rawPost(sub.endpoint, { authorization: auth, "content-encoding": "aes128gcm" }, body)).toBe(400);
    expect(await rawPost(sub.endpoint, { authorization: auth, ttl: "60", "content-encoding": "aesgcm" }, body)).toBe(400);
    expect(await rawPost(sub.endpoint, { ttl: "60", "content-encoding": "aes128gcm" }, body)).toBe(401);
    expect(fake.requests(sub.endpoint).map((r) => r.status)).toEqual([400, 400, 401]);
  });

  it("answers 413 to a body over 4,096 bytes and 404 to an unknown subscription", async () => {
    const sub = fake.createSubscription();
    await expect(sendWith(sub, "x".repeat(4100))).rejects.toMatchObject({ statusCode: 413 });
    await expect(sendWith({ ...sub, endpoint: `${fake.origin}/push/nobody` }, "x")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("gives scripted answers in order, then 201", async () => {
    const sub = fake.createSubscription();
    fake.respond(sub.endpoint, { status: 429, headers: { "retry-after": "2" } }, { status: 500 });
    await expect(sendWith(sub, "a")).rejects.toMatchObject({ statusCode: 429, headers: expect.objectContaining({ "retry-after": "2" }) });
    await expect(sendWith(sub, "b")).rejects.toMatchObject({ statusCode: 500 });
    expect((await sendWith(sub, "c")).statusCode).toBe(201);
    expect(fake.deliveries(sub.endpoint).map((d) => d.plaintext)).toEqual(["c"]);
    expect(fake.requests(sub.endpoint).map((r) => r.status)).toEqual([429, 500, 201]);
  });

  it("holds pushes until release, and a sender that gave up is not counted as delivered", async () => {
    const sub = fake.createSubscription();
    fake.hold(sub.endpoint);
    await expect(sendWith(sub, "gave up", { timeout: 200 })).rejects.toThrow();
    const pending = sendWith(sub, "waited");
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.deliveries(sub.endpoint)).toHaveLength(0);
    fake.release();
    expect((await pending).statusCode).toBe(201);
    expect(fake.deliveries(sub.endpoint).map((d) => d.plaintext)).toEqual(["waited"]);
  });

  it("decrypts only the sampled fraction when asked to", async () => {
    const sampled = await startFakePushService({ decrypt: false });
    try {
      const sub = sampled.createSubscription();
      const a = new Agent({ ca: sampled.caPem });
      await webpush.sendNotification(sub, "secret", {
        vapidDetails: { subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
        agent: a,
      });
      const [d] = sampled.deliveries(sub.endpoint);
      expect(d?.plaintext).toBeUndefined();
      expect(d?.ttl).toBeGreaterThan(0);
      a.destroy();
    } finally {
      await sampled.close();
    }
  });
});
