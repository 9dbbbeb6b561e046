// Owns reading a benchmark server's JS memory from outside: a local server started with
// `--inspect=127.0.0.1:<port>` is asked over the inspector protocol (its WebSocket, via MiniWs) to
// collect garbage and report process.memoryUsage(), so memory per socket (or per match) can be taken
// after a full GC instead of from whatever garbage the heap holds at that moment.
import { createServer } from "node:net";
import { MiniWs } from "./mini-ws.js";

/** A loopback port that was free a moment ago (for --inspect). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface MemoryAfterGc {
  /** V8 heap in use after a full GC, bytes. */
  readonly heapUsed: number;
  /** Off-heap memory V8 tracks (Buffers, ArrayBuffers), bytes. */
  readonly external: number;
  /** Resident set size as the server saw it, bytes. */
  readonly rss: number;
}

interface Reply {
  id?: number;
  result?: { result?: { value?: unknown } };
  error?: { message: string };
}

/** Collects garbage in the server whose inspector listens on `port`, then reads its memory. */
export async function memoryAfterGc(port: number): Promise<MemoryAfterGc> {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const path = new URL(list[0].webSocketDebuggerUrl).pathname;
  const ws = await MiniWs.open(port, path);
  let next = 0;
  const waiting = new Map<number, (r: Reply) => void>();
  ws.onMessage = (data) => {
    const r = JSON.parse(data.toString("utf8")) as Reply;
    if (r.id !== undefined) waiting.get(r.id)?.(r);
  };
  const call = (method: string, params: object = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => reject(new Error(`inspector ${method} timed out`)), 30_000);
      waiting.set(id, (r) => {
        clearTimeout(timer);
        if (r.error !== undefined) reject(new Error(`inspector ${method}: ${r.error.message}`));
        else resolve(r);
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    // Twice: weak references and finalizers freed by the first collection are reclaimed by the second.
    await call("HeapProfiler.collectGarbage");
    await call("HeapProfiler.collectGarbage");
    const r = await call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true });
    const m = JSON.parse(String(r.result?.result?.value)) as { heapUsed: number; external: number; rss: number };
    return { heapUsed: m.heapUsed, external: m.external, rss: m.rss };
  } finally {
    ws.close();
  }
}
