// A small file-backed adapter for oidc-provider: sessions, grants, codes and
// refresh tokens live in memory and are written to one JSON file (atomically,
// coalesced) so a restart signs no one out. Fine for a development provider
// with a handful of users; not meant for many processes or heavy traffic.
import { renameSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Adapter, AdapterPayload } from "oidc-provider";

interface Entry {
  payload: AdapterPayload;
  /** Epoch ms; undefined = no expiry. */
  expiresAt?: number;
}

type Models = Record<string, Record<string, Entry>>;

/** How long a burst of writes may wait before it reaches the disk. */
const WRITE_DELAY_MS = 25;

export class FileStore {
  private models: Models = {};
  private timer: NodeJS.Timeout | undefined;
  private readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, "store.json");
    this.load();
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    try {
      this.models = JSON.parse(text) as Models;
    } catch {
      // A torn file cannot happen with rename-on-write; if it is corrupt
      // anyway, start empty (everyone signs in again) rather than refuse to run.
      this.models = {};
    }
    this.prune();
  }

  private prune(): void {
    const now = Date.now();
    for (const entries of Object.values(this.models)) {
      for (const [id, entry] of Object.entries(entries)) {
        if (entry.expiresAt !== undefined && entry.expiresAt <= now) delete entries[id];
      }
    }
  }

  private scheduleWrite(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), WRITE_DELAY_MS);
    // A pending write must not keep a finished test process alive; close() flushes.
    this.timer.unref();
  }

  /** Writes everything now (temp file + rename, so a crash never leaves half a file). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.prune();
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.models), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  get(model: string, id: string): Entry | undefined {
    const entry = this.models[model]?.[id];
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      delete this.models[model]![id];
      this.scheduleWrite();
      return undefined;
    }
    return entry;
  }

  set(model: string, id: string, entry: Entry): void {
    (this.models[model] ??= {})[id] = entry;
    this.scheduleWrite();
  }

  delete(model: string, id: string): void {
    if (this.models[model]?.[id]) {
      delete this.models[model][id];
      this.scheduleWrite();
    }
  }

  findBy(model: string, match: (payload: AdapterPayload) => boolean): AdapterPayload | undefined {
    for (const id of Object.keys(this.models[model] ?? {})) {
      const entry = this.get(model, id);
      if (entry && match(entry.payload)) return entry.payload;
    }
    return undefined;
  }

  /** Removes every grant-bound artefact (codes, tokens, the grant) of a revoked grant. */
  revokeGrant(grantId: string): void {
    for (const entries of Object.values(this.models)) {
      for (const [id, entry] of Object.entries(entries)) {
        if (entry.payload.grantId === grantId) delete entries[id];
      }
    }
    this.scheduleWrite();
  }

  adapterFor(model: string): Adapter {
    return new FileAdapter(this, model);
  }
}

class FileAdapter implements Adapter {
  constructor(
    private readonly store: FileStore,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.store.set(this.model, id, {
      payload,
      expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.get(this.model, id)?.payload;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.store.findBy(this.model, (p) => p.userCode === userCode);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.store.findBy(this.model, (p) => p.uid === uid);
  }

  async consume(id: string): Promise<void> {
    const entry = this.store.get(this.model, id);
    if (entry) this.store.set(this.model, id, { ...entry, payload: { ...entry.payload, consumed: Math.floor(Date.now() / 1000) } });
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(this.model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.store.revokeGrant(grantId);
  }
}
