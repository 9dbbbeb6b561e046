// Owns the HookRegistry the request pipeline (src/pipeline/hooks.ts) asks for before/after hooks: one
// closure per registered name, built once at load, dispatching to the owning engine with the payload in
// that language's shape. Semantics (Nakama's):
//   before: gets the request; returns it (maybe changed) or null/undefined to reject it; a thrown coded
//           error reaches the client with its code. Requests without input (GetAccount…) ignore the
//           returned value. Realtime hooks get and return the whole envelope.
//   after:  gets (response, request) — response null for empty responses — and cannot change the
//           response; its errors are logged by the pipeline only.
import { Code, GameError } from "../errors.js";
import type { AfterHook, BeforeHook, CallContext, HookRegistry } from "../pipeline/hooks.js";
import { rt, type MessageType } from "../../proto/index.js";
import { ExecutionMode, requestContext, type ContextBase } from "./context.js";
import { fromGuest } from "./convert.js";
import { invoke, shape, type Dispatcher } from "./dispatch.js";
import { API_HOOKS, apiHookName, rtHookName, type ApiName } from "./names.js";
import { RegKind, type EngineKind } from "./registry.js";

interface HookSpec {
  readonly name: string;
  readonly req: MessageType | null;
  readonly res: MessageType | null;
}

function specOf(kind: string, id: string): HookSpec {
  if (kind === RegKind.BEFORE || kind === RegKind.AFTER) {
    const name = apiHookName(id);
    if (name !== undefined) return { name, ...API_HOOKS[name as ApiName] };
    return { name: id, req: null, res: null };
  }
  return { name: rtHookName(id) ?? id, req: rt.Envelope, res: rt.Envelope };
}

function notCompleted(cause: unknown): GameError {
  return new GameError(Code.INTERNAL, "Could not complete runtime Before function.", { cause });
}

function beforeHook(d: Dispatcher, base: ContextBase, engine: EngineKind, key: string, spec: HookSpec): BeforeHook {
  const fields = { api_id: spec.name, mode: "before" };
  return async (call: CallContext, request: unknown) => {
    const ctx = requestContext(base, ExecutionMode.BEFORE, call);
    const args = spec.req === null ? [] : [shape(engine, spec.req, request)];
    const out = await invoke(d, engine, key, ctx, args, fields);
    if (spec.req === null) return request; // nothing to change: Nakama ignores the result
    if (out === null || out === undefined) return null;
    if (engine === "native") return out;
    if (typeof out !== "object" || Array.isArray(out)) throw notCompleted(out);
    try {
      return fromGuest(spec.req, out);
    } catch (err) {
      d.log.error({ runtime: engine, hook: spec.name, err }, "could not convert a before hook's result to the request");
      throw notCompleted(err);
    }
  };
}

function afterHook(d: Dispatcher, base: ContextBase, engine: EngineKind, key: string, spec: HookSpec): AfterHook {
  const fields = { api_id: spec.name, mode: "after" };
  return async (call: CallContext, response: unknown, request: unknown) => {
    const ctx = requestContext(base, ExecutionMode.AFTER, call);
    const args = [shape(engine, spec.res, response), shape(engine, spec.req, request)];
    await invoke(d, engine, key, ctx, args, fields);
  };
}

/** Builds the registry from the keys each engine owns. */
export function hookRegistry(d: Dispatcher, base: ContextBase): HookRegistry {
  const befores = new Map<string, BeforeHook>();
  const afters = new Map<string, AfterHook>();
  for (const [key, engine] of d.ownership.entries()) {
    const i = key.indexOf(":");
    const kind = key.slice(0, i);
    const id = key.slice(i + 1);
    const spec = specOf(kind, id);
    if (kind === RegKind.BEFORE || kind === RegKind.RT_BEFORE) {
      if (kind === RegKind.BEFORE || !befores.has(id)) befores.set(id, beforeHook(d, base, engine, key, spec));
    } else if (kind === RegKind.AFTER || kind === RegKind.RT_AFTER) {
      if (kind === RegKind.AFTER || !afters.has(id)) afters.set(id, afterHook(d, base, engine, key, spec));
    }
  }
  const lookup = <H>(map: Map<string, H>) => {
    const exact = new Map<string, H | undefined>();
    return (name: string): H | undefined => {
      let h = exact.get(name);
      if (h === undefined && !exact.has(name)) {
        h = map.get(name.toLowerCase());
        if (exact.size < 4096) exact.set(name, h);
      }
      return h;
    };
  };
  return { before: lookup(befores), after: lookup(afters) };
}
