// Owns nk's link_* and unlink_* functions over the identity core, with Nakama's argument orders:
//   link_apple(user_id, token)            link_custom(user_id, custom_id)   link_device(user_id, device_id)
//   link_email(user_id, email, password)  link_facebook(user_id, username, token, import_friends = true)
//   link_facebook_instant_game(user_id, signed_player_info)
//   link_gamecenter(user_id, player_id, bundle_id, ts, salt, signature, public_key_url)   (JS linkGameCenter)
//   link_google(user_id, token)           link_steam(user_id, username, token, import_friends = true)
//   unlink_*: the same with the credential optional (device id stays required); Lua's unlink_gamecenter
//   requires every credential once a player id is given.
// Failures read "error linking: …" / "error unlinking: …" and keep the core's code.
import * as link from "../../identity/link.js";
import * as unlink from "../../identity/unlink.js";
import type { GameCenterCredentials } from "../../identity/social.js";
import { parseUuid } from "../../session/uuid.js";
import { wrapped, type Args } from "./args.js";
import { define } from "./binding.js";
import { gameCenterArgs } from "./identity-auth.js";
import type { NkBinding, NkCall } from "./types.js";

function linkUser(a: Args): string {
  const id = parseUuid(a.str(0));
  if (id === null) throw a.fail(0, a.lang === "lua" ? "user ID must be a valid identifier" : "invalid user id");
  return id;
}

function required(a: Args, i: number, message: string): string {
  const s = a.str(i);
  if (s === "") throw a.fail(i, message);
  return s;
}

/** Optional credential: Lua OptString; JS treats undefined (and null) as absent. */
const optional = (a: Args, i: number): string => a.optStr(i, "");

type Op = (a: Args, call: NkCall, userId: string) => Promise<void>;

function op(lua: string, js: string, run: Op): NkBinding {
  // Argument errors are raised as they are; only the core's failures get the "error linking" prefix.
  const go = async (a: Args, call: NkCall): Promise<void> => run(a, call, linkUser(a));
  return define({
    lua,
    js,
    luaFn: async (a, call) => {
      await go(a, call);
      return [];
    },
    jsFn: (a, call) => go(a, call),
  });
}

const linking = <T>(fn: () => Promise<T>): Promise<T> => wrapped("error linking", fn);
const unlinking = <T>(fn: () => Promise<T>): Promise<T> => wrapped("error unlinking", fn);

async function importAfterLink(call: NkCall, provider: "facebook" | "steam", userId: string, username: string, token: string, steamId?: string): Promise<void> {
  const importer = call.deps.services?.importFriends;
  if (importer === undefined) return;
  await importer(provider, userId, username, { token, steamId }).catch((err: unknown) => {
    call.deps.log.warn({ err, provider, uid: userId }, "friend import failed");
  });
}

function linkBindings(): NkBinding[] {
  return [
    op("link_apple", "linkApple", async (a, call, userId) => {
      const token = required(a, 1, "expects token string");
      await linking(() => link.linkApple(call.deps.identity, userId, token));
    }),
    op("link_custom", "linkCustom", async (a, call, userId) => {
      const customId = required(a, 1, "expects custom ID string");
      await linking(() => link.linkCustom(call.deps.identity, userId, customId));
    }),
    op("link_device", "linkDevice", async (a, call, userId) => {
      const deviceId = required(a, 1, "expects device ID string");
      await linking(() => link.linkDevice(call.deps.identity, userId, deviceId));
    }),
    op("link_email", "linkEmail", async (a, call, userId) => {
      const email = required(a, 1, "expects email string");
      // Nakama's Lua binding says "username" here; its JS binding says "password".
      const password = required(a, 2, a.lang === "lua" ? "expects username string" : "expects password string");
      await linking(() => link.linkEmail(call.deps.identity, userId, email, password));
    }),
    op("link_facebook", "linkFacebook", async (a, call, userId) => {
      const username = required(a, 1, "expects username string");
      const token = required(a, 2, "expects token string");
      const doImport = a.optBool(3, true);
      const p = await linking(() => link.linkFacebook(call.deps.identity, userId, token));
      if (doImport && !p.limitedLogin) await importAfterLink(call, "facebook", userId, username, token);
    }),
    op("link_facebook_instant_game", "linkFacebookInstantGame", async (a, call, userId) => {
      const info = required(a, 1, "expects signed player info string");
      await linking(() => link.linkFacebookInstantGame(call.deps.identity, userId, info));
    }),
    op("link_gamecenter", "linkGameCenter", async (a, call, userId) => {
      const creds = gameCenterArgs(a, 1);
      await linking(() => link.linkGameCenter(call.deps.identity, userId, creds));
    }),
    op("link_google", "linkGoogle", async (a, call, userId) => {
      const token = required(a, 1, "expects token string");
      await linking(() => link.linkGoogle(call.deps.identity, userId, token));
    }),
    op("link_steam", "linkSteam", async (a, call, userId) => {
      const username = required(a, 1, "expects username string");
      const token = required(a, 2, "expects token string");
      const doImport = a.optBool(3, true);
      const p = await linking(() => link.linkSteam(call.deps.identity, userId, token));
      if (doImport) await importAfterLink(call, "steam", userId, username, token, p.id);
    }),
  ];
}

/** Unlink Game Center credentials: all optional; Lua insists on the rest once a player id is given. */
function unlinkGameCenterArgs(a: Args): GameCenterCredentials {
  const playerId = optional(a, 1);
  const strict = a.lang === "lua" && playerId !== "";
  const opt = (i: number, msg: string): string => {
    const s = optional(a, i);
    if (s === "" && strict) throw a.fail(i, msg);
    return s;
  };
  const bundleId = opt(2, "expects bundle ID string");
  const ts = a.optInt(3, 0);
  if (ts === 0 && strict) throw a.fail(3, "expects timestamp value");
  const salt = opt(4, "expects salt string");
  const signature = opt(5, "expects signature string");
  const publicKeyUrl = opt(6, "expects public key URL string");
  return { playerId, bundleId, timestampSeconds: ts, salt, signature, publicKeyUrl };
}

function unlinkBindings(): NkBinding[] {
  const simple = (lua: string, js: string, fn: (core: NkCall["deps"]["identity"], userId: string, value: string) => Promise<void>): NkBinding =>
    op(lua, js, async (a, call, userId) => {
      const value = optional(a, 1);
      await unlinking(() => fn(call.deps.identity, userId, value));
    });
  return [
    simple("unlink_apple", "unlinkApple", unlink.unlinkApple),
    simple("unlink_custom", "unlinkCustom", unlink.unlinkCustom),
    op("unlink_device", "unlinkDevice", async (a, call, userId) => {
      const deviceId = required(a, 1, "expects device ID string");
      await unlinking(() => unlink.unlinkDevice(call.deps.identity, userId, deviceId));
    }),
    simple("unlink_email", "unlinkEmail", unlink.unlinkEmail),
    simple("unlink_facebook", "unlinkFacebook", unlink.unlinkFacebook),
    simple("unlink_facebook_instant_game", "unlinkFacebookInstantGame", unlink.unlinkFacebookInstantGame),
    op("unlink_gamecenter", "unlinkGameCenter", async (a, call, userId) => {
      const creds = unlinkGameCenterArgs(a);
      await unlinking(() => unlink.unlinkGameCenter(call.deps.identity, userId, creds));
    }),
    simple("unlink_google", "unlinkGoogle", unlink.unlinkGoogle),
    simple("unlink_steam", "unlinkSteam", unlink.unlinkSteam),
  ];
}

export function linkBindingsAll(): NkBinding[] {
  return [...linkBindings(), ...unlinkBindings()];
}
