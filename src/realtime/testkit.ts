// Owns test helpers for the realtime library's unit tests: a fake socket (Wire) that records what is
// written and can push back, a RealtimeCore with in-memory dependencies, and session handles on it.
import { silentLogger } from "../log.js";
import { decodeBinary, fromJson, rt } from "../../proto/index.js";
import { noHooks, type HookRegistry } from "../pipeline/hooks.js";
import type { SessionService } from "../session/service.js";
import type { Queryable } from "../storage/db.js";
import { RealtimeCore } from "./core.js";
import { newId } from "./ids.js";
import type { SessionFormat } from "./outgoing.js";
import type { AuthoritativeMatches, RpcRegistry } from "./ports.js";
import { SessionHandle, type Wire } from "./session.js";
import type { RealtimeSettings } from "./settings.js";

export class FakeWire implements Wire {
  readonly sent: Array<{ data: Uint8Array | string; isBinary: boolean }> = [];
  corks = 0;
  closedWith: { code: number; reason: string } | null = null;
  /** Results the next sends report (then "ok"). */
  results: Array<"ok" | "backpressure" | "closed"> = [];

  get closed(): boolean {
    return this.closedWith !== null;
  }
  send(data: Uint8Array | string, isBinary: boolean): "ok" | "backpressure" | "closed" {
    if (this.closed) return "closed";
    this.sent.push({ data, isBinary });
    return this.results.shift() ?? "ok";
  }
  cork(fn: () => void): void {
    this.corks++;
    fn();
  }
  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }
  ping(): void {}

  /** Decoded envelopes written so far. */
  envelopes(): rt.Envelope[] {
    return this.sent.map((m) => (m.isBinary ? decodeBinary(rt.Envelope, m.data as Uint8Array) : fromJson(rt.Envelope, m.data as Uint8Array)));
  }
}

export const testSettings: RealtimeSettings = Object.freeze({
  node: "node1",
  outgoingQueueSize: 4,
  writeWaitMs: 5000,
  pingPeriodMs: 15000,
  pongWaitMs: 25000,
  pingBackoffThreshold: 20,
  maxInboundPerSec: 0,
  maxInboxFrames: 16,
  singleSocket: false,
  singleMatch: false,
  encryptionKey: "defaultencryptionkey",
});

export interface TestCoreOptions {
  settings?: Partial<RealtimeSettings>;
  hooks?: HookRegistry;
  rpc?: RpcRegistry;
  authoritative?: AuthoritativeMatches;
  db?: Queryable;
}

export function testCore(o: TestCoreOptions = {}): RealtimeCore {
  const log = silentLogger();
  const db: Queryable = o.db ?? { query: () => Promise.resolve({ rows: [], rowCount: 0 }), exec: () => Promise.resolve() };
  return new RealtimeCore({
    settings: { ...testSettings, ...o.settings },
    log,
    db,
    pipeline: { hooks: () => o.hooks ?? noHooks, log },
    sessions: {} as SessionService,
    rpc: () => o.rpc,
    authoritative: () => o.authoritative,
  });
}

/** A started session on `core` over a FakeWire. */
export function testSession(core: RealtimeCore, userId: string, format: SessionFormat = "json", username = `u-${userId.slice(0, 4)}`): { h: SessionHandle; wire: FakeWire } {
  const wire = new FakeWire();
  const s = core.settings;
  const h = new SessionHandle(
    {
      id: newId(), userId, username, vars: {}, expiry: 0, format, lang: "en", clientIp: "127.0.0.1", clientPort: "",
      headers: {}, rawQuery: "",
    },
    wire,
    { outgoingQueueSize: s.outgoingQueueSize, writeWaitMs: s.writeWaitMs, maxInboundPerSec: s.maxInboundPerSec, maxInboxFrames: s.maxInboxFrames },
    core.flusher,
  );
  h.wake = () => true;
  core.start(h, false);
  return { h, wire };
}

/** Lets queued flushes (setImmediate) and presence events run. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
