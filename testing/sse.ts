// A live-stream client for tests and benchmarks: GET /me/notifications/stream
// read with fetch (the token in the Authorization header, as the PWA does),
// parsed with eventsource-parser; each event is recorded and can be awaited.
import { createParser, type EventSourceMessage } from "eventsource-parser";

export interface StreamEvent {
  event: string;
  id: string | undefined;
  data: unknown;
  /** performance.now() when it arrived. */
  at: number;
}

export interface TestStream {
  status: number;
  headers: Headers;
  events: StreamEvent[];
  /** Comments seen (heartbeats). */
  comments: string[];
  /** The first event from `from` on that matches, waiting up to `timeoutMs`. */
  next(match: (e: StreamEvent) => boolean, opts?: { timeoutMs?: number; from?: number }): Promise<StreamEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openStream(url: string, token: string, lastEventId?: string): Promise<TestStream> {
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "text/event-stream" };
  if (lastEventId !== undefined) headers["last-event-id"] = lastEventId;
  const res = await fetch(url, { headers, signal: abort.signal });
  const events: StreamEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const parser = createParser({
    onEvent(m: EventSourceMessage) {
      let data: unknown = m.data;
      try {
        data = JSON.parse(m.data);
      } catch {
        // Not JSON: keep the text.
      }
      events.push({ event: m.event ?? "message", id: m.id, data, at: performance.now() });
      for (const w of [...waiters]) w();
    },
    onComment(c: string) {
      comments.push(c.trim());
      for (const w of [...waiters]) w();
    },
  });
  const ended = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // Aborted by close().
    } finally {
      for (const w of [...waiters]) w();
    }
  })();
  let finished = false;
  void ended.then(() => {
    finished = true;
  });

  return {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    ended,
    next(match, opts = {}) {
      const from = opts.from ?? 0;
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(from).find(match);
          if (found) {
            done();
            resolve(found);
          } else if (finished) {
            done();
            reject(new Error(`the stream ended before the event came (had: ${events.map((e) => e.event).join(", ")})`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching event within ${opts.timeoutMs ?? 5000} ms (had: ${events.map((e) => e.event).join(", ")})`));
        }, opts.timeoutMs ?? 5000);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      abort.abort();
    },
  };
}
