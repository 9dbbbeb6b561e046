// Owns the RPC registry shared by the HTTP route (/v2/rpc/{id}) and the socket `rpc` envelope: ids are
// lower-cased, an unknown id is NOT_FOUND "RPC function not found", the function gets the payload string
// and answers a string (nothing → ""); any other return value is INTERNAL, as Nakama answers it.
import { Code, E, fail } from "../errors.js";
import type { CallContext } from "../pipeline/hooks.js";
import { ExecutionMode, requestContext, type ContextBase, type RuntimeContext } from "./context.js";
import { invoke, type Dispatcher } from "./dispatch.js";
import { ModuleCallError } from "./errors.js";
import { RegKind, regKey } from "./registry.js";

export interface RpcRegistry {
  /** Resolves with the response payload; rejects with GameError (ModuleCallError for module failures). */
  call(ctx: CallContext, id: string, payload: string): Promise<string>;
  has(id: string): boolean;
}

const INVALID: Record<string, string> = {
  lua: "Runtime function returned invalid data - only allowed one return value of type String/Byte.",
  js: "Runtime function returned invalid data - only allowed one return value of type string.",
  native: "Runtime function returned invalid data - only allowed one return value of type string.",
};

export function rpcRegistry(d: Dispatcher, base: ContextBase): RpcRegistry {
  const keyOf = (id: string) => regKey(RegKind.RPC, id);
  // A socket session passes the same (frozen) CallContext to every RPC: its RuntimeContext is built once,
  // so the engines' per-VM context caches hit on identity. Weak: nothing outlives the caller's context.
  const contexts = new WeakMap<CallContext, RuntimeContext>();
  const contextOf = (call: CallContext): RuntimeContext => {
    let ctx = contexts.get(call);
    if (ctx === undefined) {
      ctx = requestContext(base, ExecutionMode.RPC, call);
      if (Object.isFrozen(call)) contexts.set(call, (ctx = Object.freeze(ctx)));
    }
    return ctx;
  };
  return {
    has: (id) => d.ownership.owner(keyOf(id)) !== undefined,
    call(call, id, payload) {
      const key = keyOf(id);
      const engine = d.ownership.owner(key);
      if (engine === undefined) return Promise.reject(fail(E.rpcNotFound));
      return invoke(d, engine, key, contextOf(call), [payload], { rpc_id: key.slice(4) }).then((out) => {
        if (out === null || out === undefined) return "";
        if (typeof out === "string") return out;
        if (out instanceof Uint8Array) return Buffer.from(out).toString("utf8");
        d.log.warn({ runtime: engine, rpc_id: id, type: typeof out }, "runtime function returned invalid data");
        throw new ModuleCallError(Code.INTERNAL, INVALID[engine], undefined);
      });
    },
  };
}
