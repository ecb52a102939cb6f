// The demo: on an empty store, register every demo user (so their UPNs
// resolve) and give each ordinary user ~20 notifications from a few fictional
// apps, in mixed states, over the last ten days; and give support staff a
// story to investigate in Megan's inbox (seedSupportStory). Deterministic: a seeded PRNG,
// so every fresh start shows the same inbox (relative to its start time).
import { randomUUID } from "node:crypto";
import { DEMO_USERS, SENDER_CLIENT_ID, type DemoUser } from "../contracts/demo-users";
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
      kind: "created", actorKind: "app", actorId: SENDER_CLIENT_ID, endpointId: null,
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

// ---- support's story: something real to investigate -------------------------

const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

/** Demo devices: their push services are not real (`.invalid`), so the pipeline never sends to them; it says so. */
interface DemoDevice {
  key: string;
  name: string;
  platform: "webPush";
  pushEndpoint: string;
}

const MEGANS_DEVICES: readonly DemoDevice[] = [
  { key: "phone", name: "Megan's Pixel (Chrome on Android)", platform: "webPush", pushEndpoint: "https://push.demo.invalid/megan/pixel" },
  { key: "desktop", name: "Chrome on Windows", platform: "webPush", pushEndpoint: "https://push.demo.invalid/megan/desktop" },
];
const MEGANS_OLD_LAPTOP = { name: "Firefox on Windows", host: "updates.push.services.mozilla.com" };

interface StoryStep {
  device: "phone" | "desktop" | "oldLaptop" | null;
  step: "sent" | "retrying" | "failed" | "skipped" | "subscriptionRemoved" | "received" | "shown";
  offsetMs: number;
  pushKind?: "created" | "updated" | "stateChanged";
  statusCode?: number;
  attempts?: number;
  reason?: string;
  nextOffsetMs?: number;
  how?: "system" | "inPage" | "suppressed" | "error";
}

interface StoryItem {
  title: string;
  body: string;
  host: string;
  group: string | null;
  priority: "High" | "Low" | "None";
  agoMs: number;
  displayTtlMs?: number;
  /** The state it ends in, and where and when it got there. */
  change?: { readState?: "read"; userActionState?: "dismissed" | "snoozed"; device: "phone" | "desktop"; offsetMs: number; snoozeMs?: number };
  /** A snooze ending (service), when it woke. */
  wokeOffsetMs?: number;
  steps: StoryStep[];
}

const shownOn = (device: "phone" | "desktop", offsetMs: number, how: StoryStep["how"] = "system"): StoryStep[] => [
  { device, step: "sent", offsetMs, pushKind: "created", statusCode: 201, attempts: 1 },
  { device, step: "received", offsetMs: offsetMs + 800 },
  { device, step: "shown", offsetMs: offsetMs + 900, how },
];

const STORY: readonly StoryItem[] = [
  {
    title: "Deployment to production paused",
    body: "The canary in West Europe reported elevated 5xx rates. Review before resuming.",
    host: "builds.contoso.test",
    group: "Builds",
    priority: "High",
    agoMs: 95 * MINUTE_MS,
    // "I dismissed it on my phone but my laptop still showed it": it did not; the state push closed it there.
    change: { readState: "read", userActionState: "dismissed", device: "phone", offsetMs: 3 * MINUTE_MS },
    steps: [
      ...shownOn("phone", 2 * SECOND_MS),
      ...shownOn("desktop", 2 * SECOND_MS),
      { device: "desktop", step: "sent", offsetMs: 3 * MINUTE_MS + SECOND_MS, pushKind: "stateChanged", statusCode: 201, attempts: 1 },
    ],
  },
  {
    title: "Expense report awaits your approval",
    body: "Diego Siciliani submitted 'Customer visit, Lisbon' for 1,284.50 EUR.",
    host: "approvals.contoso.test",
    group: "Approvals",
    priority: "High",
    agoMs: 5 * 60 * MINUTE_MS,
    // The push service was busy: retried once, then delivered.
    steps: [
      { device: "desktop", step: "retrying", offsetMs: SECOND_MS, pushKind: "created", statusCode: 503, attempts: 1, nextOffsetMs: 4 * SECOND_MS },
      { device: "desktop", step: "sent", offsetMs: 4 * SECOND_MS, pushKind: "created", statusCode: 201, attempts: 2 },
      { device: "desktop", step: "received", offsetMs: 5 * SECOND_MS },
      { device: "desktop", step: "shown", offsetMs: 5 * SECOND_MS + 100, how: "system" },
      ...shownOn("phone", SECOND_MS),
    ],
  },
  {
    title: "Your password expires in 5 days",
    body: "Choose a new passphrase of at least 14 characters before it expires.",
    host: "security.contoso.test",
    group: "Security",
    priority: "High",
    agoMs: 26 * 60 * MINUTE_MS,
    // "I never got it on my old laptop": its push service said the subscription was gone.
    steps: [
      ...shownOn("phone", SECOND_MS),
      ...shownOn("desktop", SECOND_MS, "inPage"),
      { device: "oldLaptop", step: "subscriptionRemoved", offsetMs: SECOND_MS, pushKind: "created", statusCode: 410, attempts: 1 },
    ],
  },
  {
    title: "Design review in 15 minutes",
    body: "Room 4.12 and online. Agenda: onboarding flow, empty states, dark theme.",
    host: "calendar.contoso.test",
    group: null,
    priority: "High",
    agoMs: 2 * 24 * 60 * MINUTE_MS,
    displayTtlMs: 15 * MINUTE_MS,
    // "It never came back after I snoozed it": it woke after its display window had ended.
    change: { userActionState: "snoozed", device: "desktop", offsetMs: 2 * MINUTE_MS, snoozeMs: 30 * MINUTE_MS },
    wokeOffsetMs: 32 * MINUTE_MS,
    steps: [
      ...shownOn("phone", SECOND_MS, "suppressed"),
      ...shownOn("desktop", SECOND_MS),
      { device: null, step: "skipped", offsetMs: 32 * MINUTE_MS, pushKind: "updated", reason: "displayWindowOver" },
    ],
  },
];

/**
 * Megan's devices and a few notifications whose delivery tells a story
 * support staff can investigate: shown on both devices and dismissed on the
 * phone, retried then delivered, a subscription its push service removed
 * (410), and one that woke after its display window.
 */
async function seedSupportStory(tx: Queryable, user: DemoUser, now: Date): Promise<void> {
  const owner = [user.tenantId, user.oid] as const;
  const ids: Record<string, string> = { oldLaptop: randomUUID() };
  const oldest = Math.max(...STORY.map((s) => s.agoMs));
  for (const d of MEGANS_DEVICES) {
    ids[d.key] = randomUUID();
    const created = new Date(now.getTime() - oldest - DAY_MS);
    await tx.query(
      `INSERT INTO endpoints (id, tenant_id, user_id, platform, target_host_name, app_display_name, device_name, push_endpoint,
         p256dh, auth, created, renewed, expiration, last_delivery_at, last_delivery_result, last_delivery_status)
       VALUES ($1, $2, $3, $4, 'inbox.contoso.test', 'Inbox', $5, $6, 'demo', 'demo', $7, $8, $9, $10, 'delivered', 201)`,
      [ids[d.key], ...owner, d.platform, d.name, d.pushEndpoint, created, new Date(now.getTime() - 2 * 60 * MINUTE_MS),
        new Date(now.getTime() + 58 * DAY_MS), new Date(now.getTime() - STORY[0]!.agoMs)],
    );
  }
  const laptopGone = new Date(now.getTime() - STORY[2]!.agoMs + SECOND_MS);
  await tx.query(
    `INSERT INTO removed_endpoints (tenant_id, user_id, id, platform, device_name, push_service_host, created, removed_at, reason)
     VALUES ($1, $2, $3, 'webPush', $4, $5, $6, $7, 'gone')`,
    [...owner, ids.oldLaptop, MEGANS_OLD_LAPTOP.name, MEGANS_OLD_LAPTOP.host, new Date(now.getTime() - 40 * DAY_MS), laptopGone],
  );

  for (const [i, item] of STORY.entries()) {
    const id = randomUUID();
    const created = new Date(now.getTime() - item.agoMs);
    const at = (offsetMs: number) => new Date(created.getTime() + offsetMs);
    const insert = insertNotificationQuery({
      id, tenantId: user.tenantId, userId: user.oid, targetHostName: item.host, appNotificationId: `story-${i}`,
      groupName: item.group, title: item.title, body: item.body, rawContent: null, priority: item.priority,
      displayUntil: item.displayTtlMs ? at(item.displayTtlMs) : null, expiration: new Date(created.getTime() + 30 * DAY_MS),
      platformTypes: ["windows", "ios", "android", "webPush"], fallbackPolicy: null, now: created,
    });
    await tx.query(insert.text, insert.params);
    const events = [
      insertEventQuery({ tenantId: user.tenantId, userId: user.oid, notificationId: id, at: created, kind: "created", actorKind: "app", actorId: SENDER_CLIENT_ID, endpointId: null }),
    ];
    if (item.change) {
      const c = item.change;
      const snoozedUntil = c.snoozeMs ? at(c.offsetMs + c.snoozeMs) : undefined;
      await tx.query(
        `UPDATE notifications SET read_state = $4, action_state = $5, last_modified = $6, last_modified_endpoint = $7,
           change_seq = nextval('notification_change_seq')
         WHERE id = $1 AND tenant_id = $2 AND user_id = $3`,
        [id, ...owner, c.readState ?? "unread", item.wokeOffsetMs ? "noInteraction" : (c.userActionState ?? "noInteraction"),
          at(item.wokeOffsetMs ?? c.offsetMs), item.wokeOffsetMs ? null : ids[c.device]],
      );
      events.push(insertEventQuery({
        tenantId: user.tenantId, userId: user.oid, notificationId: id, at: at(c.offsetMs), kind: "stateChanged", actorKind: "user",
        actorId: user.oid, endpointId: ids[c.device]!,
        detail: { readState: c.readState, userActionState: c.userActionState, snoozedUntilDateTime: snoozedUntil?.toISOString() },
      }));
    }
    if (item.wokeOffsetMs) {
      events.push(insertEventQuery({ tenantId: user.tenantId, userId: user.oid, notificationId: id, at: at(item.wokeOffsetMs), kind: "woke", actorKind: "expiry", actorId: null, endpointId: null }));
    }
    for (const e of events) await tx.query(e.text, e.params);
    for (const st of item.steps) {
      await tx.query(
        `INSERT INTO delivery_steps (tenant_id, user_id, notification_id, endpoint_id, push_kind, step, at, status_code, attempts, reason, next_at, how)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [...owner, id, st.device ? ids[st.device] : null, st.pushKind ?? null, st.step, at(st.offsetMs), st.statusCode ?? null,
          st.attempts ?? null, st.reason ?? null, st.nextOffsetMs ? at(st.nextOffsetMs) : null, st.how ?? null],
      );
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
      if (user.upn === "megan@contoso.test") await seedSupportStory(tx, user, now);
    }
    // The demo's history is not news: nothing of it is pushed at start.
    await tx.query("UPDATE notification_events SET dispatched = true WHERE NOT dispatched");
  });
  return true;
}
