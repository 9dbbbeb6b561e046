// Owns the realtime handlers of the socket itself: `ping` (answered with `pong`), `pong` (a no-op),
// and `rpc`, routed to the runtime's RPC registry with Nakama's error codes (3 no id, 6 not found,
// 7 the function failed; custom codes are not propagated on the socket).
import { Code, GameError } from "../errors.js";
import type { rt } from "../../proto/index.js";
import { NONE, callContext, reply, rtError, type Answer, type HandlerContext, type HandlerTable } from "./dispatch.js";
import { RtCode } from "./wire.js";

const PONG: Answer = reply({ pong: {} });

async function rpc(c: HandlerContext, env: rt.Envelope): Promise<Answer> {
  const msg = env.rpc as NonNullable<rt.Envelope["rpc"]>;
  if (msg.id === "") return rtError(RtCode.BAD_INPUT, "RPC ID must be set");
  const registry = c.core.deps.rpc?.();
  if (registry === undefined) return rtError(RtCode.RUNTIME_FUNCTION_NOT_FOUND, "RPC function not found");
  try {
    const payload = await registry.call(callContext(c.session), msg.id.toLowerCase(), msg.payload);
    return reply({ rpc: { id: msg.id, payload } });
  } catch (err) {
    if (err instanceof GameError && err.code === Code.NOT_FOUND && err.message === "RPC function not found") {
      return rtError(RtCode.RUNTIME_FUNCTION_NOT_FOUND, err.message);
    }
    return rtError(RtCode.RUNTIME_FUNCTION_EXCEPTION, err instanceof Error ? err.message : String(err));
  }
}

export const coreHandlers: HandlerTable = Object.freeze({
  ping: { run: () => PONG },
  pong: { run: () => NONE },
  rpc: { run: rpc, hooks: false },
});
