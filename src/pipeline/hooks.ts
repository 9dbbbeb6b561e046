// Owns the one request pipeline every API call and realtime message goes through:
// before-hook → core function → reply → after-hook (async, cannot change the reply).
// The runtime framework plugs its registered hooks in through a HookRegistry; until then the registry
// is empty and the pipeline is a direct call. Given metrics and/or an enabled tracer (PipelineDeps), each
// request and hook is counted, timed and wrapped in a span; without them nothing extra runs.
import { E, GameError, fail, toGameError } from "../errors.js";
import type { Logger } from "../log.js";
import type { PipelineMetrics } from "../metrics/server-metrics.js";
import type { SpanAttrs, Tracer } from "../tracing/tracer.js";

/** What a hook sees about the caller (Nakama's runtime context, filled per request). */
export interface CallContext {
  /** Empty for server-to-server calls (http_key) and unauthenticated routes. */
  userId: string;
  username: string;
  vars: Record<string, string>;
  /** Session expiry, unix seconds; 0 when there is no session. */
  expiry: number;
  sessionId: string;
  clientIp: string;
  clientPort: string;
  lang: string;
  headers: Record<string, string[]>;
  queryParams: Record<string, string[]>;
}

export function emptyContext(over: Partial<CallContext> = {}): CallContext {
  return {
    userId: "", username: "", vars: {}, expiry: 0, sessionId: "", clientIp: "", clientPort: "", lang: "",
    headers: {}, queryParams: {}, ...over,
  };
}

/** Returns the (possibly changed) request, or null to reject it. */
export type BeforeHook = (ctx: CallContext, request: unknown) => Promise<unknown>;
/** Sees the response and the request; its result is ignored and its errors only logged. */
export type AfterHook = (ctx: CallContext, response: unknown, request: unknown) => Promise<void>;

export interface HookRegistry {
  /** `name` is the request name (AuthenticateDevice, ChannelJoin…); lookups are case-insensitive. */
  before(name: string): BeforeHook | undefined;
  after(name: string): AfterHook | undefined;
}

/** A registry with nothing registered. */
export const noHooks: HookRegistry = { before: () => undefined, after: () => undefined };

export interface PipelineDeps {
  hooks: () => HookRegistry;
  log: Logger;
  /** Per-request and per-hook counts, latencies and errors (src/metrics); absent: none recorded. */
  metrics?: PipelineMetrics;
  /** A span per request and per hook (src/tracing); absent or disabled: no span objects at all. */
  tracer?: Tracer;
}

/**
 * Runs one named request through its hooks. Pass `undefined` as the request for requests that carry no
 * input. A before hook returning null/undefined rejects a request that has input
 * the way Nakama does (NOT_FOUND "Requested resource was not found."); a hook's GameError reaches the
 * client with its code. The after hook starts once the core result is ready and is not awaited.
 */
export function runPipeline<Req, Res>(
  deps: PipelineDeps,
  name: string,
  ctx: CallContext,
  request: Req,
  core: (request: Req) => Promise<Res>,
): Promise<Res> {
  const t = deps.tracer;
  if (t === undefined || !t.enabled) return measured(deps, name, ctx, request, core);
  const attrs: SpanAttrs = ctx.userId === "" ? {} : { uid: ctx.userId };
  return t.withSpan(name, attrs, () => measured(deps, name, ctx, request, core));
}

async function measured<Req, Res>(deps: PipelineDeps, name: string, ctx: CallContext, request: Req, core: (request: Req) => Promise<Res>): Promise<Res> {
  const m = deps.metrics;
  if (m === undefined) return pipe(deps, name, ctx, request, core);
  const t0 = performance.now();
  let failed = true;
  try {
    const res = await pipe(deps, name, ctx, request, core);
    failed = false;
    return res;
  } finally {
    m.request(name, performance.now() - t0, failed);
  }
}

/** Runs one hook call inside its span ("before_<name>"/"after_<name>") and records it. */
function runHook<T>(deps: PipelineDeps, phase: "before" | "after", name: string, call: () => Promise<T>): Promise<T> {
  const m = deps.metrics;
  const timed = m === undefined ? call : async () => {
    const t0 = performance.now();
    let failed = true;
    try {
      const out = await call();
      failed = false;
      return out;
    } finally {
      m.hook(phase, name, performance.now() - t0, failed);
    }
  };
  const t = deps.tracer;
  return t === undefined || !t.enabled ? timed() : t.withSpan(`${phase}_${name}`, {}, timed);
}

async function pipe<Req, Res>(deps: PipelineDeps, name: string, ctx: CallContext, request: Req, core: (request: Req) => Promise<Res>): Promise<Res> {
  const registry = deps.hooks();
  const before = registry.before(name);
  let req = request;
  if (before) {
    let out: unknown;
    try {
      out = await runHook(deps, "before", name, () => before(ctx, req));
    } catch (err) {
      throw hookError(deps.log, name, "before", err);
    }
    // Requests without input (GetAccount, DeleteAccount…: `undefined` here) have hooks that can only
    // fail, as in Nakama; for the others, returning nothing rejects the request.
    if (request !== undefined) {
      if (out === null || out === undefined) throw fail(E.requestRejected);
      req = out as Req;
    }
  }
  const res = await core(req);
  const after = registry.after(name);
  if (after) {
    // Runs after the reply is on its way; it cannot change it, and its failures are only logged.
    queueMicrotask(() => {
      runHook(deps, "after", name, () => after(ctx, res, req)).catch((err: unknown) => {
        deps.log.warn({ hook: name, err: describe(err) }, "after hook failed");
      });
    });
  }
  return res;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function hookError(log: Logger, name: string, phase: string, err: unknown): GameError {
  if (err instanceof GameError) return err;
  log.error({ hook: name, phase, err: describe(err) }, "hook failed");
  return toGameError(err, err instanceof Error ? err.message : "Internal Server Error");
}

