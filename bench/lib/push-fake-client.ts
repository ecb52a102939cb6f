// Starts bench/lib/push-fake-process.ts as a child process and talks to it.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { TestSubscription } from "../../testing/fake-push-service";
import type { FakeReplyMessage, FakeRequestMessage, FakeStats } from "./push-fake-process";

type Request = FakeRequestMessage extends infer M ? (M extends { id: number } ? Omit<M, "id"> : never) : never;

export interface FakeClient {
  origin: string;
  caFile: string;
  pid: number;
  subscribe(count: number): Promise<TestSubscription[]>;
  stats(): Promise<FakeStats>;
  sample(): Promise<{ plaintext: string | undefined; vapid: unknown }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeProcess(): Promise<FakeClient> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, "push-fake-process.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, (m: FakeReplyMessage) => void>();
  let next = 1;
  const ready = new Promise<{ origin: string; caFile: string }>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`fake push process exited with ${code}`)));
    child.on("message", (m: FakeReplyMessage) => {
      if (m.type === "ready") resolve({ origin: m.origin, caFile: m.caFile });
      else waiting.get(m.id)?.(m);
    });
  });
  const { origin, caFile } = await ready;
  const ask = <T extends FakeReplyMessage>(req: Request): Promise<T> =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, (m) => {
        waiting.delete(id);
        resolve(m as T);
      });
      child.send({ ...req, id });
    });
  return {
    origin,
    caFile,
    pid: child.pid!,
    async subscribe(count) {
      return (await ask<Extract<FakeReplyMessage, { type: "subs" }>>({ type: "subscribe", count })).subs;
    },
    async stats() {
      return (await ask<Extract<FakeReplyMessage, { type: "stats" }>>({ type: "stats" })).stats;
    },
    async sample() {
      const m = await ask<Extract<FakeReplyMessage, { type: "sample" }>>({ type: "sample" });
      return { plaintext: m.plaintext, vapid: m.vapid };
    },
    async reset() {
      await ask({ type: "reset" });
    },
    close() {
      return new Promise((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.disconnect();
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      });
    },
  };
}
