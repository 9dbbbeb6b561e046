// Owns compile-time examples of the module authors' types (checked by the project's tsc, never run):
// a native module and a sandboxed JS module written in TypeScript against js.ts, showing an RPC, a
// before hook with a typed request, an after hook and the error convention in each.
import type { InitModule as NativeInit } from "./native.js";
import type { InitModule as JsInit, Error as JsError } from "./js.js";
import { RuntimeError } from "../errors.js";

/** Native: typed wire values (snake_case), async nk, RuntimeError for coded failures. */
export const nativeExample: NativeInit = async (_ctx, logger, nk, initializer) => {
  initializer.registerRpc("health", async (ctx) => JSON.stringify({ user: ctx.userId, node: ctx.node }));
  initializer.registerBefore("AuthenticateCustom", (_ctx, _logger, _nk, req) => {
    if ((req.account?.id ?? "").length < 10) throw new RuntimeError("custom id too short", 3);
    return { ...req, username: req.username ?? "player" };
  });
  initializer.registerAfter("GetAccount", async (ctx, log, _nk, account) => {
    log.info("account %s has %d devices", ctx.userId, account?.devices.length ?? 0);
  });
  const rows = await initializer.db.query<{ n: string }>("SELECT count(*) AS n FROM users WHERE id <> $1", ["00000000-0000-0000-0000-000000000000"]);
  logger.info("users: %s", rows.rows[0]?.n);
  const uuid: string = await nk.uuidv4();
  logger.debug("started %s", uuid);
};

/** Sandboxed JS (compiled to a bundle): camelCase payloads, synchronous nk, `throw { message, code }`. */
export const jsExample: JsInit = (_ctx, logger, nk, initializer) => {
  initializer.registerRpc("echo", (_c, _l, _n, payload) => payload);
  initializer.registerBeforeAuthenticateCustom((_c, _l, _n, req) => {
    if ((req.account?.id ?? "").length < 10) throw { message: "custom id too short", code: 3 } satisfies JsError;
    req.username = req.username ?? "player";
    return req;
  });
  initializer.registerAfterReadStorageObjects((_c, log, _n, out) => log.info("read %d objects", out?.objects.length ?? 0));
  logger.info("uuid %s", nk.uuidv4());
};
