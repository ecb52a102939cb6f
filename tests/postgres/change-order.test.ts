// PostgreSQL only: change numbers commit out of order across transactions, and
// delta links and stream positions must still never step over a change.
// A PATCH on instance A takes its change number and then stalls before commit
// (a test-only trigger sleeps after the UPDATE); meanwhile instance B commits a
// later number for another user. A delta round and a live stream of the
// PATCHed user, both served by instance B, must still report the PATCH.
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdp } from "../../idp";
import { API_AUDIENCE } from "../../contracts/identity";
import { loadConfig, type ServiceConfig } from "../../server/config";
import { startService, type Service } from "../../server";
import { openStream } from "../../testing/sse";
import { createTestStore, type TestStore } from "../../testing/test-database";
import { userToken } from "../../testing/tokens";
import { users } from "../../testing/users";

let root: string;
let idp: Awaited<ReturnType<typeof startIdp>>;
let store: TestStore;
let config: ServiceConfig;
const services: Service[] = [];
const servers: ServerType[] = [];
let admin: pg.Client;

async function listen(service: Service): Promise<string> {
  return new Promise((resolve) => {
    const server = serve({ fetch: service.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve(`http://127.0.0.1:${info.port}/graph/beta`),
    );
    servers.push(server);
  });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pg-change-order-"));
  idp = await startIdp({ port: 0, dataDir: root, appOrigins: ["http://localhost:3999"] });
  store = await createTestStore(path.join(root, "service"));
  config = { ...loadConfig({} as NodeJS.ProcessEnv), ...store.config, issuer: idp.issuer, audience: API_AUDIENCE, seedDemo: false };
  services.push(await startService(config), await startService(config));
  admin = new pg.Client({ connectionString: config.databaseUrl });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  for (const s of servers) s.close();
  await Promise.all(services.map((s) => s.close()));
  await store?.close();
  await idp?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

type Json = Record<string, unknown>;

describe("change numbers that commit out of order", () => {
  it("a stalled PATCH on one instance is still reported by delta and the stream on another", async () => {
    const [urlA, urlB] = [await listen(services[0]!), await listen(services[1]!)];
    const adele = await userToken(idp.issuer, users.adele.upn);
    const megan = await userToken(idp.issuer, users.megan.upn);
    const call = async (base: string, token: string, method: string, p: string, body?: unknown) => {
      const res = await fetch(p.startsWith("http") ? p : `${base}${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const send = (base: string, token: string, title: string) =>
      call(base, token, "POST", "/me/notifications", { targetHostName: "tests.contoso.test", payload: { visualContent: { title } } });

    const created = await send(urlA, adele, "Stalled");
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    // Adele's delta position and a live stream, both on instance B, after the item exists.
    let page = await call(urlB, adele, "GET", "/me/notifications/delta");
    while (page.body["@odata.nextLink"]) page = await call(urlB, adele, "GET", page.body["@odata.nextLink"] as string);
    const deltaLink = page.body["@odata.deltaLink"] as string;
    expect(deltaLink).toBeTruthy();
    const stream = await openStream(`${urlB}/me/notifications/stream`, adele);
    await stream.next((e) => e.event === "unreadCount");

    // Test-only: an UPDATE of this item sleeps after it took its change number, before its commit.
    await admin.query(`CREATE FUNCTION test_stall() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(1.5); RETURN NULL; END $$`);
    await admin.query(`CREATE TRIGGER test_stall AFTER UPDATE ON notifications FOR EACH ROW
      WHEN (NEW.id = '${id}'::uuid) EXECUTE FUNCTION test_stall()`);
    try {
      const patch = call(urlA, adele, "PATCH", `/me/notifications/${id}`, { readState: "read" });
      // Until the PATCH is asleep inside its transaction.
      for (let i = 0; ; i++) {
        const { rows } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep'");
        if (rows.length > 0) break;
        if (i > 200) throw new Error("the PATCH never reached the stalling trigger");
        await new Promise((r) => setTimeout(r, 10));
      }
      // Another user's change commits a later change number meanwhile, through the other instance.
      expect((await send(urlB, megan, "Committed first")).status).toBe(201);
      // Adele's delta, asked while her PATCH is still open, and once more after it committed.
      const during = call(urlB, adele, "GET", deltaLink);
      expect((await patch).status).toBe(200);
      const first = await during;
      expect(first.status).toBe(200);
      const after = await call(urlB, adele, "GET", first.body["@odata.deltaLink"] as string);
      const reported = [...(first.body.value as Json[]), ...(after.body.value as Json[])].filter((n) => n.id === id);
      expect(reported).toEqual([expect.objectContaining({ id, readState: "read" })]);

      // The stream on instance B sends the change too.
      const changed = await stream.next((e) => e.event === "changed" && (e.data as Json).id === id, { timeoutMs: 5000 });
      expect(changed.data).toMatchObject({ id, readState: "read" });
    } finally {
      stream.close();
      await admin.query("DROP TRIGGER test_stall ON notifications; DROP FUNCTION test_stall()");
    }
  }, 60_000);
});
