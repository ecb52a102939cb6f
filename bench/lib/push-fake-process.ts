// The loopback fake push service in its own process for `npm run bench:push`,
// so verifying and answering pushes runs on the other core, not inside the
// sender being measured. Driven over IPC by bench/lib/push-fake-client.ts.
import { startFakePushService, type TestSubscription } from "../../testing/fake-push-service";

export type FakeRequestMessage =
  | { id: number; type: "subscribe"; count: number }
  | { id: number; type: "stats" }
  | { id: number; type: "sample" }
  | { id: number; type: "reset" };

export interface FakeStats {
  accepted: number;
  rejected: number;
  firstAt: number | null;
  lastAt: number | null;
  /** CPU time of the fake's process so far (user + system), ms. */
  cpuMs: number;
}

export type FakeReplyMessage =
  | { id: number; type: "subs"; subs: TestSubscription[] }
  | { id: number; type: "stats"; stats: FakeStats }
  | { id: number; type: "sample"; plaintext: string | undefined; vapid: unknown }
  | { id: number; type: "ok" }
  | { type: "ready"; origin: string; caFile: string };

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function main(): Promise<void> {
  // Decrypt one body in 50: enough to prove every sampled one decrypts, without
  // making the fake the bottleneck. Each distinct VAPID JWT is verified (cached).
  const fake = await startFakePushService({ decrypt: Number(process.env.FAKE_DECRYPT_RATE ?? 0.02) });
  let accepted = 0;
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  fake.onDelivery((d) => {
    accepted++;
    firstAt ??= d.receivedAt;
    lastAt = Math.max(lastAt ?? 0, d.receivedAt);
  });
  const reply = (m: FakeReplyMessage) => process.send!(m);
  process.on("message", (m: FakeRequestMessage) => {
    switch (m.type) {
      case "subscribe":
        reply({ id: m.id, type: "subs", subs: Array.from({ length: m.count }, () => fake.createSubscription()) });
        break;
      case "stats":
        reply({ id: m.id, type: "stats", stats: { accepted, rejected: fake.rejected().length, firstAt, lastAt, cpuMs: cpuMs() } });
        break;
      case "sample": {
        const d = fake.deliveries().findLast((x) => x.plaintext !== undefined);
        reply({ id: m.id, type: "sample", plaintext: d?.plaintext, vapid: d?.vapid });
        break;
      }
      case "reset":
        fake.reset();
        accepted = 0;
        firstAt = null;
        lastAt = null;
        reply({ id: m.id, type: "ok" });
        break;
    }
  });
  process.on("disconnect", () => {
    void fake.close().finally(() => process.exit(0));
  });
  reply({ type: "ready", origin: fake.origin, caFile: fake.caFile });
}

main().catch((err: unknown) => {
  console.error("[fake push] failed:", err);
  process.exit(1);
});
