// The demo: on an empty store, register every demo user (so their UPNs
// resolve) and give each ordinary user ~20 notifications from a few fictional
// apps, in mixed states, over the last ten days. Deterministic: a seeded PRNG,
// so every fresh start shows the same inbox (relative to its start time).
import { randomUUID } from "node:crypto";
import { DEMO_USERS, type DemoUser } from "../contracts/demo-users";
import type { Db, Queryable } from "./store/db";
import { insertEventQuery, insertNotificationQuery, touchUserQuery } from "./notifications/queries";

interface Template {
  host: string;
  group: string | null;
  priority: "High" | "Low" | "None";
  title: string;
  body: string;
}

const TEMPLATES: readonly Template[] = [
  { host: "builds.contoso.test", group: "Builds", priority: "High", title: "Build #1482 failed on main", body: "3 tests failed in checkout-service. The first failure: CartTotals rounds VAT per line instead of per order." },
  { host: "builds.contoso.test", group: "Builds", priority: "Low", title: "web-release pipeline succeeded", body: "Version 4.18.2 is live in the staging slot. Smoke tests passed in 2 min 41 s." },
  { host: "builds.contoso.test", group: "Builds", priority: "Low", title: "Nightly build finished", body: "All 1,204 tests passed. Coverage is 81.3% (+0.4%)." },
  { host: "builds.contoso.test", group: "Builds", priority: "High", title: "Deployment to production paused", body: "The canary in West Europe reported elevated 5xx rates. Review before resuming." },
  { host: "builds.contoso.test", group: "Builds", priority: "None", title: "Dependency update available", body: "A patch release of the payments SDK fixes a retry bug. A pull request is ready." },
  { host: "chat.contoso.test", group: "Mentions", priority: "High", title: "Megan mentioned you in #launch-plan", body: "\"Can you confirm the press embargo lifts at 9:00 Pacific?\"" },
  { host: "chat.contoso.test", group: "Mentions", priority: "High", title: "Alex replied to your comment", body: "\"Agreed. Let's move the retro to Thursday so the whole team can join.\"" },
  { host: "chat.contoso.test", group: "Mentions", priority: "Low", title: "You were added to #q3-roadmap", body: "Nestor added you. 14 members, 52 messages this week." },
  { host: "chat.contoso.test", group: "Mentions", priority: "High", title: "Lee mentioned you in a document", body: "Budget FY27 draft: \"@you please check the travel line before Friday.\"" },
  { host: "approvals.contoso.test", group: "Approvals", priority: "High", title: "Expense report awaits your approval", body: "Diego Siciliani submitted 'Customer visit, Lisbon' for 1,284.50 EUR." },
  { host: "approvals.contoso.test", group: "Approvals", priority: "High", title: "Purchase order needs a second approver", body: "PO-20931: 12 laptop docks for the Oslo office, 3,120 USD." },
  { host: "approvals.contoso.test", group: "Approvals", priority: "Low", title: "Your leave request was approved", body: "Friday 12 to Monday 15, approved by Isaiah Langer." },
  { host: "approvals.contoso.test", group: "Approvals", priority: "Low", title: "Access request granted", body: "You now have read access to the Finance-Reports SharePoint site." },
  { host: "security.contoso.test", group: "Security", priority: "High", title: "New sign-in from a new device", body: "Firefox on Linux, near Amsterdam. If this wasn't you, reset your password now." },
  { host: "security.contoso.test", group: "Security", priority: "High", title: "Your password expires in 5 days", body: "Choose a new passphrase of at least 14 characters before it expires." },
  { host: "security.contoso.test", group: "Security", priority: "Low", title: "Security key registered", body: "A FIDO2 key named 'YubiKey 5C' was added to your account." },
  { host: "security.contoso.test", group: "Security", priority: "None", title: "Quarterly access review started", body: "Review 6 group memberships by the end of the month." },
  { host: "calendar.contoso.test", group: null, priority: "High", title: "Design review in 15 minutes", body: "Room 4.12 and online. Agenda: onboarding flow, empty states, dark theme." },
  { host: "calendar.contoso.test", group: null, priority: "Low", title: "Meeting moved: Weekly sync", body: "Now Wednesday 10:30–11:00. Organizer: Patti Fernandez." },
  { host: "calendar.contoso.test", group: null, priority: "None", title: "Your weekly summary is ready", body: "You had 11 meetings (7.5 h) and 4 focus blocks this week." },
  { host: "calendar.contoso.test", group: null, priority: "Low", title: "Invitation: Team lunch on Friday", body: "Joni Sherman invited you. 12:30 at the canteen terrace." },
  { host: "builds.contoso.test", group: "Builds", priority: "High", title: "Flaky test quarantined", body: "OrderHistoryTest.paginates_past_200 failed 4 times in 20 runs and was quarantined." },
];

/** mulberry32: small, fast, good enough for demo data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 86_400_000;
export const SEED_PER_USER = 20;

async function seedUser(tx: Queryable, user: DemoUser, index: number, now: Date): Promise<void> {
  const rand = prng(0x5eed + index * 7919);
  const order = TEMPLATES.map((t) => ({ t, k: rand() })).sort((a, b) => a.k - b.k);
  for (let i = 0; i < SEED_PER_USER; i++) {
    const t = order[i % order.length]!.t;
    // Spread over ten days, newest first-ish, never in the future.
    const created = new Date(now.getTime() - Math.floor(rand() * 10 * DAY_MS) - 60_000);
    const expiration = new Date(created.getTime() + 30 * DAY_MS);
    const id = randomUUID();
    const insert = insertNotificationQuery({
      id,
      tenantId: user.tenantId,
      userId: user.oid,
      targetHostName: t.host,
      appNotificationId: `seed-${index}-${i}`,
      groupName: t.group,
      title: t.title,
      body: t.body,
      rawContent: null,
      priority: t.priority,
      displayUntil: null,
      expiration,
      platformTypes: ["windows", "ios", "android", "webPush"],
      fallbackPolicy: null,
      now: created,
    });
    await tx.query(insert.text, insert.params);
    const ev = insertEventQuery({
      tenantId: user.tenantId, userId: user.oid, notificationId: id, at: created,
      kind: "created", actorKind: "app", actorId: t.host, endpointId: null,
    });
    await tx.query(ev.text, ev.params);
    // Older items are more likely to have been read or acted on.
    const age = (now.getTime() - created.getTime()) / (10 * DAY_MS);
    const r = rand();
    const read = r < 0.25 + age * 0.6;
    const action = !read ? "noInteraction" : r < 0.2 ? "dismissed" : r < 0.45 ? "activated" : "noInteraction";
    if (read) {
      const changedAt = new Date(created.getTime() + Math.floor(rand() * Math.min(DAY_MS, now.getTime() - created.getTime())));
      await tx.query(
        `UPDATE notifications SET read_state = 'read', action_state = $4, last_modified = $5,
           change_seq = nextval('notification_change_seq')
         WHERE id = $1 AND tenant_id = $2 AND user_id = $3`,
        [id, user.tenantId, user.oid, action, changedAt],
      );
      const sc = insertEventQuery({
        tenantId: user.tenantId, userId: user.oid, notificationId: id, at: changedAt,
        kind: "stateChanged", actorKind: "user", actorId: user.oid, endpointId: null,
        detail: { readState: "read", userActionState: action },
      });
      await tx.query(sc.text, sc.params);
    }
  }
}

/** Seeds the demo if the store is empty; true when it did. */
export async function seedDemo(db: Db, now: Date): Promise<boolean> {
  const { rows } = await db.query<{ empty: boolean }>(
    "SELECT NOT EXISTS (SELECT 1 FROM users) AND NOT EXISTS (SELECT 1 FROM notifications) AS empty",
  );
  if (!rows[0]?.empty) return false;
  await db.transaction(async (tx) => {
    for (const [index, user] of DEMO_USERS.entries()) {
      const touch = touchUserQuery({ tenantId: user.tenantId, userId: user.oid }, user.upn, user.name, now);
      await tx.query(touch.text, touch.params);
      if (user.seedInbox) await seedUser(tx, user, index, now);
    }
  });
  return true;
}
