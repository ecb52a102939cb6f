// Versioned schema. Each migration runs once, in order, inside a transaction,
// and is recorded in schema_migrations. Never edit a shipped migration: add one.
import { ACCESS_LOG_RETENTION_DAYS } from "../../contracts/support";
import type { Db, Session } from "./db";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Every committed INSERT into notification_events raises a NOTIFY on this
 * channel (migration 5), naming the users changed (migration 9): the live
 * streams listen on it (the push outbox did until migration 12 gave it
 * PUSH_OUTBOX_CHANNEL).
 */
export const NOTIFICATION_EVENTS_CHANNEL = "notification_events";

/**
 * Raised (migration 12) when a committed statement wrote an event still to
 * dispatch: the push outbox listens on it. Events that push nothing are
 * written dispatched (notifications/queries.ts) and wake nobody there.
 */
export const PUSH_OUTBOX_CHANNEL = "notification_outbox";

/** Set (transaction-local) by maintenance to prune access log entries past retention: the trigger's one exception. */
export const ACCESS_LOG_PRUNE_SETTING = "notifications.prune_access_log";

/**
 * The first key of a user's change lock, `pg_advisory_xact_lock(USER_CHANGE_LOCK_CLASS,
 * hashtext(tenant_id || '|' || user_id))` (migration 9): writers hold it
 * exclusively from the moment they take a change number until they commit,
 * readers of a user's changes take it shared (notifications/changes.ts). A
 * two-key lock, so it never meets a one-key lock such as the migrations'.
 */
export const USER_CHANGE_LOCK_CLASS = 741_002;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "users, notifications, events, removals",
    sql: `
CREATE TABLE service_settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

-- Users the service has seen (signed in), so a UPN resolves to an oid.
CREATE TABLE users (
  tenant_id text NOT NULL,
  id text NOT NULL,
  upn text,
  display_name text,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX users_upn ON users (tenant_id, lower(upn));

-- One global, monotonic change counter: every insert or change of a row takes
-- the next value, which is what delta tokens and ETags are made of.
CREATE SEQUENCE notification_change_seq;

CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  tenant_id text NOT NULL,
  user_id text NOT NULL,
  target_host_name text NOT NULL,
  app_notification_id text,
  group_name text,
  title text,
  body text,
  raw_content text,
  priority text NOT NULL,
  display_until timestamptz,
  expiration timestamptz NOT NULL,
  platform_types text[] NOT NULL,
  fallback_policy jsonb,
  read_state text NOT NULL DEFAULT 'unread',
  action_state text NOT NULL DEFAULT 'noInteraction',
  snoozed_until timestamptz,
  status text NOT NULL DEFAULT 'active',
  created timestamptz NOT NULL,
  last_modified timestamptz NOT NULL,
  last_modified_endpoint text,
  change_seq bigint NOT NULL
);
-- The inbox list: newest first, keyset on (created, id).
CREATE INDEX notifications_list ON notifications (tenant_id, user_id, status, created DESC, id DESC);
-- The unread badge: only unread, live rows; expiration lets it be index-only.
CREATE INDEX notifications_unread ON notifications (tenant_id, user_id, expiration)
  WHERE read_state = 'unread' AND status = 'active';
-- Delta: what changed after a sequence number.
CREATE INDEX notifications_delta ON notifications (tenant_id, user_id, change_seq);
-- The expiry purge, global and per user.
CREATE INDEX notifications_expiration ON notifications (expiration);
CREATE INDEX notifications_user_expiration ON notifications (tenant_id, user_id, expiration);
-- Snoozed items waking up.
CREATE INDEX notifications_snoozed ON notifications (snoozed_until) WHERE action_state = 'snoozed';
-- appNotificationId upsert.
CREATE UNIQUE INDEX notifications_app_id
  ON notifications (tenant_id, user_id, target_host_name, app_notification_id);

-- Rows the expiry purge removed, kept for the delta retention window so a delta
-- link can still report them as @removed after the row itself is gone.
CREATE TABLE notification_removals (
  tenant_id text NOT NULL,
  user_id text NOT NULL,
  id uuid NOT NULL,
  change_seq bigint NOT NULL,
  removed_at timestamptz NOT NULL
);
CREATE INDEX notification_removals_delta ON notification_removals (tenant_id, user_id, change_seq);
CREATE INDEX notification_removals_age ON notification_removals (removed_at);

-- Every state change: who (user / app / expiry), from which endpoint, what.
CREATE TABLE notification_events (
  seq bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  user_id text NOT NULL,
  notification_id uuid NOT NULL,
  at timestamptz NOT NULL,
  kind text NOT NULL,
  actor_kind text NOT NULL,
  actor_id text,
  endpoint_id text,
  detail jsonb
);
CREATE INDEX notification_events_user ON notification_events (tenant_id, user_id, at DESC);
CREATE INDEX notification_events_age ON notification_events (at);
`,
  },
  {
    version: 2,
    name: "indexes for the unread and group filters",
    sql: `
-- The Unread tab and the badge: newest-first keyset over unread, live rows
-- only, so a mostly-read inbox of 100,000 does not scan its read items.
-- expiration is included so the count stays an index-only scan.
DROP INDEX notifications_unread;
CREATE INDEX notifications_unread ON notifications (tenant_id, user_id, created DESC, id DESC)
  INCLUDE (expiration) WHERE read_state = 'unread' AND status = 'active';
-- Filtering by group, newest first.
CREATE INDEX notifications_group ON notifications (tenant_id, user_id, group_name, created DESC, id DESC)
  WHERE status = 'active';
`,
  },
  {
    version: 3,
    name: "endpoints, push deliveries, the event outbox",
    sql: `
-- An endpoint: one browser installation (or device) of a user. Its id is the
-- UNS id an app server may name in X-UNS-ID. platform 'webPush' has a push
-- subscription; platform 'web' (no push permission) only attributes actions.
CREATE TABLE endpoints (
  id uuid PRIMARY KEY,
  tenant_id text NOT NULL,
  user_id text NOT NULL,
  platform text NOT NULL,
  target_host_name text,
  app_display_name text,
  -- Readable name ("Chrome on Android"), from the registering request.
  device_name text,
  push_endpoint text,
  p256dh text,
  auth text,
  -- pushSubscription.expirationTime, when the browser gave one.
  push_expiration timestamptz,
  created timestamptz NOT NULL,
  renewed timestamptz NOT NULL,
  -- renewed + 60 days: an endpoint not re-registered by then is gone.
  expiration timestamptz NOT NULL,
  last_delivery_at timestamptz,
  last_delivery_result text,
  last_delivery_status integer
);
-- A push subscription belongs to one browser profile, so it is unique across
-- users: registering it again (even as another user) takes the row over.
CREATE UNIQUE INDEX endpoints_push_endpoint ON endpoints (push_endpoint) WHERE push_endpoint IS NOT NULL;
CREATE INDEX endpoints_user ON endpoints (tenant_id, user_id, created);
CREATE INDEX endpoints_expiration ON endpoints (expiration);

-- The outbox: every event is written undispatched in its change's transaction;
-- the push dispatcher turns undispatched events into queue jobs and marks them.
-- Events that existed before push are not pushed.
ALTER TABLE notification_events ADD COLUMN dispatched boolean NOT NULL DEFAULT true;
ALTER TABLE notification_events ALTER COLUMN dispatched SET DEFAULT false;
CREATE INDEX notification_events_undispatched ON notification_events (seq) WHERE NOT dispatched;

-- One row per (event, endpoint) sent or being sent: a rerun of a job skips the
-- endpoints already settled, so a restart sends nothing twice.
CREATE TABLE push_deliveries (
  event_seq bigint NOT NULL,
  endpoint_id uuid NOT NULL,
  tenant_id text NOT NULL,
  user_id text NOT NULL,
  notification_id uuid NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  status_code integer,
  attempts integer NOT NULL DEFAULT 0,
  at timestamptz NOT NULL,
  PRIMARY KEY (event_seq, endpoint_id)
);
-- Which endpoints show a notification (a display push was delivered there).
CREATE INDEX push_deliveries_notification ON push_deliveries (notification_id, endpoint_id);
CREATE INDEX push_deliveries_age ON push_deliveries (at);
`,
  },
  {
    version: 4,
    name: "push deliveries by endpoint",
    sql: `
-- Removing an endpoint (Remove, a takeover, the per-user limit, a push service's
-- 404/410) deletes its delivery rows: without this, each removal scanned them all.
CREATE INDEX push_deliveries_endpoint ON push_deliveries (endpoint_id);
`,
  },
  {
    version: 5,
    name: "notify the outbox of new events",
    sql: `
-- Whatever writes an event (a request, the snooze waker, expiry), the push
-- outbox learns it when the transaction commits, with no call of its own.
-- One NOTIFY per statement (PostgreSQL folds equal ones within a transaction).
CREATE FUNCTION notify_notification_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${NOTIFICATION_EVENTS_CHANNEL}', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER notification_events_notify AFTER INSERT ON notification_events
  FOR EACH STATEMENT EXECUTE FUNCTION notify_notification_events();
`,
  },
  {
    version: 6,
    name: "support: delivery steps, removed endpoints, the access log",
    sql: `
-- What happened to each push, step by step, for support's delivery record:
-- sent / retrying / failed / skipped / subscriptionRemoved as the delivery job
-- learns them, and the device's own receipts (received, shown). endpoint_id is
-- NULL for a push that was owed to nobody (reason says why). Kept as long as
-- history (30 days). push_deliveries stays the job's working state.
CREATE TABLE delivery_steps (
  tenant_id text NOT NULL,
  user_id text NOT NULL,
  notification_id uuid NOT NULL,
  seq bigserial,
  endpoint_id uuid,
  event_seq bigint,
  push_kind text,
  step text NOT NULL,
  at timestamptz NOT NULL,
  status_code integer,
  attempts integer,
  reason text,
  next_at timestamptz,
  how text,
  PRIMARY KEY (tenant_id, user_id, notification_id, seq)
);
-- A receipt is idempotent per notification, endpoint and outcome.
CREATE UNIQUE INDEX delivery_steps_receipt ON delivery_steps (tenant_id, user_id, notification_id, endpoint_id, step)
  WHERE step IN ('received', 'shown');
-- The event log's "delivered" entries and the user's last delivery.
CREATE INDEX delivery_steps_user ON delivery_steps (tenant_id, user_id, at DESC);
-- The event log filtered to one notification, and its delivery record.
CREATE INDEX notification_events_notification ON notification_events (tenant_id, user_id, notification_id, seq);
CREATE INDEX delivery_steps_age ON delivery_steps (at);

-- Endpoints that are gone (signed out, removed, taken over, evicted, expired,
-- or called gone by their push service), kept as long as history so the
-- delivery record and the event log can still name the device.
CREATE TABLE removed_endpoints (
  tenant_id text NOT NULL,
  user_id text NOT NULL,
  id uuid NOT NULL,
  platform text NOT NULL,
  device_name text,
  push_service_host text,
  created timestamptz NOT NULL,
  removed_at timestamptz NOT NULL,
  reason text NOT NULL,
  PRIMARY KEY (tenant_id, user_id, id)
);
CREATE INDEX removed_endpoints_age ON removed_endpoints (removed_at);

-- Every support read of a user's data, appended in the read's transaction.
-- Append-only: no route changes or deletes an entry and the triggers below
-- refuse UPDATE, DELETE and TRUNCATE; the one way in is maintenance pruning
-- entries older than ${ACCESS_LOG_RETENTION_DAYS} days, which it announces
-- with a transaction-local setting and which the trigger checks against the
-- database's own clock.
CREATE TABLE access_log (
  tenant_id text NOT NULL,
  user_id text NOT NULL,
  id uuid NOT NULL,
  at timestamptz NOT NULL,
  actor_id text NOT NULL,
  actor_upn text,
  actor_name text,
  route text NOT NULL,
  reason text NOT NULL,
  request_id text NOT NULL,
  PRIMARY KEY (tenant_id, user_id, id)
);
CREATE INDEX access_log_user ON access_log (tenant_id, user_id, at DESC, id DESC);
CREATE INDEX access_log_tenant ON access_log (tenant_id, at DESC, id DESC);
CREATE INDEX access_log_age ON access_log (at);

CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('${ACCESS_LOG_PRUNE_SETTING}', true) = 'on'
     AND OLD.at < now() - interval '${ACCESS_LOG_RETENTION_DAYS} days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'access_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER access_log_no_change BEFORE UPDATE OR DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
  FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only();
`,
  },
  {
    version: 7,
    name: "per-field change times for the conflict rule",
    sql: `
-- The conflict rule for offline replays is decided field by field: when, and
-- from which endpoint, readState and userActionState (with snoozedUntil)
-- last changed. NULL: not since the row's last_modified (and its endpoint).
ALTER TABLE notifications ADD COLUMN read_state_at timestamptz;
ALTER TABLE notifications ADD COLUMN read_state_endpoint text;
ALTER TABLE notifications ADD COLUMN action_state_at timestamptz;
ALTER TABLE notifications ADD COLUMN action_state_endpoint text;
`,
  },
  {
    version: 8,
    name: "access log pruning with the owner's rights",
    sql: `
-- Maintenance prunes the access log through this function, which runs with the
-- rights of its owner (the schema's), so on PostgreSQL the service's own role
-- needs no DELETE on access_log at all: it holds INSERT and SELECT only (README,
-- "Running on PostgreSQL"). The trigger still checks every row against the
-- database's clock; the setting is on only while the function deletes.
CREATE FUNCTION prune_access_log() RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
  SET search_path FROM CURRENT AS $$
DECLARE
  pruned integer;
BEGIN
  PERFORM set_config('${ACCESS_LOG_PRUNE_SETTING}', 'on', true);
  DELETE FROM access_log WHERE at < now() - interval '${ACCESS_LOG_RETENTION_DAYS} days';
  GET DIAGNOSTICS pruned = ROW_COUNT;
  PERFORM set_config('${ACCESS_LOG_PRUNE_SETTING}', 'off', true);
  RETURN pruned;
END
$$;
`,
  },
  {
    version: 9,
    name: "change numbers in commit order per user; NOTIFY names the user",
    sql: `
-- Delta links and stream positions are change numbers, and a reader moves past
-- every number up to the sequence's current value. On PostgreSQL two
-- transactions can take numbers 9 and 10 and commit 10 first: a reader between
-- the two commits would step over 9 for good. Every change number is now taken
-- here, under the user's change lock, held until the transaction ends; readers
-- of a user's changes take the same lock shared before reading the sequence.
-- So one user's numbers become visible in order, and a number taken later is
-- above what any reader has seen. Different users still write side by side.
-- (The statements' own nextval() is replaced: a gap, which delta allows.)
CREATE FUNCTION take_change_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.change_seq IS NOT DISTINCT FROM OLD.change_seq THEN
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(${USER_CHANGE_LOCK_CLASS}, hashtext(NEW.tenant_id || '|' || NEW.user_id));
  NEW.change_seq := nextval('notification_change_seq');
  RETURN NEW;
END
$$;
CREATE TRIGGER notifications_change_seq BEFORE INSERT OR UPDATE ON notifications
  FOR EACH ROW EXECUTE FUNCTION take_change_seq();
CREATE TRIGGER notification_removals_change_seq BEFORE INSERT ON notification_removals
  FOR EACH ROW EXECUTE FUNCTION take_change_seq();

-- The NOTIFY of committed events carries each changed user ('tenant|user', far
-- below NOTIFY's 8,000 bytes): an instance's live streams catch up the users
-- named, each once, with no scan of events by number across users (whose
-- numbers commit in no particular order).
DROP TRIGGER notification_events_notify ON notification_events;
CREATE OR REPLACE FUNCTION notify_notification_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${NOTIFICATION_EVENTS_CHANNEL}', k)
    FROM (SELECT DISTINCT tenant_id || '|' || user_id AS k FROM new_events) users;
  RETURN NULL;
END
$$;
CREATE TRIGGER notification_events_notify AFTER INSERT ON notification_events
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION notify_notification_events();
`,
  },
  {
    version: 10,
    name: "delivery workers and the jobs each holds",
    sql: `
-- Every process that runs delivery jobs (an app instance with PUSH_WORKER on,
-- npm run worker) has a row here, its heartbeat refreshed every few seconds, and
-- a claim for each pg-boss job it runs, written in the transaction that fetched
-- the job. A worker whose heartbeat is stale is dead: any worker's sweep sets
-- its claimed jobs back to retry, due at once (server/push/workers.ts).
CREATE TABLE push_workers (
  id text PRIMARY KEY,
  host text NOT NULL,
  pid integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE push_job_claims (
  job_id uuid PRIMARY KEY,
  worker_id text NOT NULL,
  -- The job's user ('tenant|user') and, for an event's own job (not a retry of
  -- some endpoints), its event: one user's event jobs run in event order.
  user_key text,
  seq bigint,
  claimed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX push_job_claims_worker ON push_job_claims (worker_id);
CREATE INDEX push_job_claims_user ON push_job_claims (user_key, seq) WHERE seq IS NOT NULL;
`,
  },  {
    version: 11,
    name: "keys for sharding: every user-owned table leads with user_id",
    sql: `
-- Ready to distribute by one column, as Citus (or Azure Cosmos DB for
-- PostgreSQL) does: user_id, the user's Entra object id (a GUID, unique across
-- tenants). Every user-owned table's primary key and the indexes a user's
-- requests read lead with it; queries keep naming tenant_id and user_id both.
-- Left global on purpose (docs/architecture.md, "Sharding"): the maintenance
-- scans by age or expiry, the outbox's undispatched events, an endpoint by its
-- push URL (unique across users: a takeover) or by id (X-UNS-ID), a user by UPN,
-- and support's tenant-wide reads.
ALTER TABLE users DROP CONSTRAINT users_pkey;
ALTER TABLE users ADD PRIMARY KEY (id, tenant_id);

ALTER TABLE notifications DROP CONSTRAINT notifications_pkey;
ALTER TABLE notifications ADD PRIMARY KEY (user_id, id);
DROP INDEX notifications_list;
CREATE INDEX notifications_list ON notifications (user_id, tenant_id, status, created DESC, id DESC);
DROP INDEX notifications_unread;
CREATE INDEX notifications_unread ON notifications (user_id, tenant_id, created DESC, id DESC)
  INCLUDE (expiration) WHERE read_state = 'unread' AND status = 'active';
DROP INDEX notifications_group;
CREATE INDEX notifications_group ON notifications (user_id, tenant_id, group_name, created DESC, id DESC)
  WHERE status = 'active';
DROP INDEX notifications_delta;
CREATE INDEX notifications_delta ON notifications (user_id, tenant_id, change_seq);
DROP INDEX notifications_user_expiration;
CREATE INDEX notifications_user_expiration ON notifications (user_id, tenant_id, expiration);
DROP INDEX notifications_app_id;
CREATE UNIQUE INDEX notifications_app_id ON notifications (user_id, tenant_id, target_host_name, app_notification_id);

DROP INDEX notification_removals_delta;
ALTER TABLE notification_removals ADD PRIMARY KEY (user_id, change_seq);

ALTER TABLE notification_events DROP CONSTRAINT notification_events_pkey;
ALTER TABLE notification_events ADD PRIMARY KEY (user_id, seq);
DROP INDEX notification_events_user;
CREATE INDEX notification_events_user ON notification_events (user_id, tenant_id, at DESC);
DROP INDEX notification_events_notification;
CREATE INDEX notification_events_notification ON notification_events (user_id, tenant_id, notification_id, seq);

ALTER TABLE endpoints DROP CONSTRAINT endpoints_pkey;
ALTER TABLE endpoints ADD PRIMARY KEY (user_id, id);
CREATE INDEX endpoints_id ON endpoints (id);
DROP INDEX endpoints_user;
CREATE INDEX endpoints_user ON endpoints (user_id, tenant_id, created);

ALTER TABLE push_deliveries DROP CONSTRAINT push_deliveries_pkey;
ALTER TABLE push_deliveries ADD PRIMARY KEY (user_id, event_seq, endpoint_id);
DROP INDEX push_deliveries_notification;
CREATE INDEX push_deliveries_notification ON push_deliveries (user_id, notification_id, endpoint_id);
DROP INDEX push_deliveries_endpoint;
CREATE INDEX push_deliveries_endpoint ON push_deliveries (user_id, endpoint_id);

ALTER TABLE delivery_steps DROP CONSTRAINT delivery_steps_pkey;
ALTER TABLE delivery_steps ADD PRIMARY KEY (user_id, tenant_id, notification_id, seq);
DROP INDEX delivery_steps_receipt;
CREATE UNIQUE INDEX delivery_steps_receipt ON delivery_steps (user_id, tenant_id, notification_id, endpoint_id, step)
  WHERE step IN ('received', 'shown');
DROP INDEX delivery_steps_user;
CREATE INDEX delivery_steps_user ON delivery_steps (user_id, tenant_id, at DESC);

ALTER TABLE removed_endpoints DROP CONSTRAINT removed_endpoints_pkey;
ALTER TABLE removed_endpoints ADD PRIMARY KEY (user_id, tenant_id, id);

ALTER TABLE access_log DROP CONSTRAINT access_log_pkey;
ALTER TABLE access_log ADD PRIMARY KEY (user_id, tenant_id, id);
DROP INDEX access_log_user;
CREATE INDEX access_log_user ON access_log (user_id, tenant_id, at DESC, id DESC);
`,
  },
  {
    version: 12,
    name: "per-user counters: live and unread notifications; the outbox told only of events to dispatch",
    sql: `
-- The unread badge (every push payload and stream carries it) and the cap on
-- live notifications read one row instead of counting the inbox. A row per
-- user: of the user's notifications with status 'active', how many there are
-- and how many of those are unread, WHATEVER their expiration. An item whose
-- expiration passes stops counting with no write at that instant, so readers
-- subtract the user's active rows already past expiration and not yet purged
-- (notifications_user_expiration, a range bounded by the purge's cadence):
-- notifications/queries.ts, countedQuery. Snoozing changes neither count.
-- Kept by the triggers below in the transaction of every change, whoever
-- writes (a request, a bulk change, the snooze waker, the expiry purge, a
-- future delete of a user): statement triggers, so a bulk change of 60,000
-- rows is one aggregate and one upsert per user, not 60,000 updates. The
-- upsert locks the counter row to commit, in user order: concurrent writers
-- of one user (already one after another under the change lock, migration 9)
-- each add to what the last committed.
LOCK TABLE notifications IN SHARE ROW EXCLUSIVE MODE;
CREATE TABLE user_counters (
  user_id text NOT NULL,
  tenant_id text NOT NULL,
  active integer NOT NULL DEFAULT 0,
  unread integer NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, tenant_id)
);
INSERT INTO user_counters (user_id, tenant_id, active, unread)
  SELECT user_id, tenant_id, count(*), count(*) FILTER (WHERE read_state = 'unread')
  FROM notifications WHERE status = 'active' GROUP BY user_id, tenant_id;

CREATE FUNCTION count_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM user_counters;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO user_counters AS c (user_id, tenant_id, active, unread)
      SELECT user_id, tenant_id, count(*), count(*) FILTER (WHERE read_state = 'unread')
      FROM new_rows WHERE status = 'active' GROUP BY user_id, tenant_id ORDER BY user_id, tenant_id
    ON CONFLICT (user_id, tenant_id) DO UPDATE SET active = c.active + EXCLUDED.active, unread = c.unread + EXCLUDED.unread;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO user_counters AS c (user_id, tenant_id, active, unread)
      SELECT user_id, tenant_id, -count(*), -count(*) FILTER (WHERE read_state = 'unread')
      FROM old_rows WHERE status = 'active' GROUP BY user_id, tenant_id ORDER BY user_id, tenant_id
    ON CONFLICT (user_id, tenant_id) DO UPDATE SET active = c.active + EXCLUDED.active, unread = c.unread + EXCLUDED.unread;
  ELSE
    -- An UPDATE: what its rows count now less what they counted before; most
    -- (a snooze, a dismissal, the waker) change neither count and write nothing.
    INSERT INTO user_counters AS c (user_id, tenant_id, active, unread)
      SELECT user_id, tenant_id, sum(a), sum(u) FROM (
        SELECT user_id, tenant_id, 1 AS a, (read_state = 'unread')::int AS u FROM new_rows WHERE status = 'active'
        UNION ALL
        SELECT user_id, tenant_id, -1, -(read_state = 'unread')::int FROM old_rows WHERE status = 'active'
      ) d GROUP BY user_id, tenant_id HAVING sum(a) <> 0 OR sum(u) <> 0 ORDER BY user_id, tenant_id
    ON CONFLICT (user_id, tenant_id) DO UPDATE SET active = c.active + EXCLUDED.active, unread = c.unread + EXCLUDED.unread;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER notifications_count_insert AFTER INSERT ON notifications
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_notifications();
CREATE TRIGGER notifications_count_update AFTER UPDATE ON notifications
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_notifications();
CREATE TRIGGER notifications_count_delete AFTER DELETE ON notifications
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_notifications();
CREATE TRIGGER notifications_count_truncate AFTER TRUNCATE ON notifications
  FOR EACH STATEMENT EXECUTE FUNCTION count_notifications();

-- The push outbox hears of events on a channel of its own, and only of those
-- it has work for: an event that pushes nothing (a kind never pushed, a user
-- with no endpoint) is written dispatched, and costs the outbox nothing. The
-- live streams keep hearing every changed user on the events channel.
CREATE OR REPLACE FUNCTION notify_notification_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${NOTIFICATION_EVENTS_CHANNEL}', k)
    FROM (SELECT DISTINCT tenant_id || '|' || user_id AS k FROM new_events) users;
  IF EXISTS (SELECT 1 FROM new_events WHERE NOT dispatched) THEN
    PERFORM pg_notify('${PUSH_OUTBOX_CHANNEL}', '');
  END IF;
  RETURN NULL;
END
$$;
`,
  },
  {
    version: 13,
    name: "rate-limit counters shared by every instance",
    sql: `
-- With DATABASE_URL the rate limits (server/http/middleware/rate-limit.ts)
-- count here, so they hold across instances: rate-limiter-flexible's own
-- layout (it is told the table exists, and never creates one), a row per key
-- and window, points used and the window's end in ms since the epoch.
-- UNLOGGED: a counter is worth no WAL (a crash forgets the current windows,
-- and a standby does not need them). No index on expire: maintenance deletes
-- ended windows once a minute over a table of the last minute's callers.
-- On PGlite the counters are the process's memory and this stays empty.
CREATE UNLOGGED TABLE rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
`,
  },
];

/**
 * A session advisory lock held while migrating: instances starting at once on
 * one PostgreSQL database migrate one after the other, so each migration runs
 * exactly once (the others find it recorded). Held on one session for the whole
 * run; a session that dies releases it.
 */
export const MIGRATION_LOCK_KEY = "hashtextextended('graph-notifications.schema_migrations', 0)";

/** Applies the migrations not yet recorded, in order, each in its own transaction; returns the versions it applied. */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.session(async (s) => {
    await s.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      return await migrateLocked(s, migrations);
    } finally {
      await s.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  });
}

async function migrateLocked(s: Session, migrations: readonly Migration[]): Promise<number[]> {
  // Looked up rather than CREATE … IF NOT EXISTS, which needs CREATE on the
  // schema even when the table exists: an app role that owns nothing starts too.
  const exists = (await s.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t")).rows[0]!.t;
  if (exists === null) {
    await s.exec(`CREATE TABLE schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  }
  const done = new Set(
    (await s.query<{ version: number }>("SELECT version FROM schema_migrations")).rows.map((r) => r.version),
  );
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    try {
      await s.transaction(async (tx) => {
        await tx.exec(m.sql);
        await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      });
    } catch (err) {
      if ((err as { code?: string }).code === "42501") {
        throw new Error(
          `Migration ${m.version} (${m.name}) needs the schema owner's rights, which this role lacks: ` +
            `run \`npm run migrate\` with the owner's DATABASE_URL first (${(err as Error).message}).`,
        );
      }
      throw err;
    }
    applied.push(m.version);
  }
  return applied;
}
