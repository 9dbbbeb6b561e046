// Owns the read-only configuration subset runtime code may see (Nakama's runtime.Config): name,
// shutdown_grace_sec, logger.level, session, socket, social and runtime (env + http_key), as Lua's
// nk.get_config() returns it (snake_case) and as JS's initializer.getConfig() returns it (camelCase; the
// framework calls `configViewJs`). Sections Troupe has no keys for (iap, google_auth, satori) are absent.
import type { Config } from "../../config/schema.js";

/** runtime.env entries "K=V" as a map (later entries win; entries without "=" map to ""). */
export function envMap(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    const at = e.indexOf("=");
    if (at < 0) out[e] = "";
    else out[e.slice(0, at)] = e.slice(at + 1);
  }
  return out;
}

export function configViewLua(c: Config): Record<string, unknown> {
  return {
    name: c.name,
    shutdown_grace_sec: c.shutdown_grace_sec,
    logger: { level: c.logger.level },
    session: {
      encryption_key: c.session.encryption_key,
      token_expiry_sec: c.session.token_expiry_sec,
      refresh_encryption_key: c.session.refresh_encryption_key,
      refresh_token_expiry_sec: c.session.refresh_token_expiry_sec,
      single_socket: c.session.single_socket,
      single_match: c.session.single_match,
      single_party: c.session.single_party,
      single_session: c.session.single_session,
    },
    socket: { server_key: c.socket.server_key, port: c.socket.port, address: c.socket.address, protocol: c.socket.protocol },
    social: {
      steam: { publisher_key: c.social.steam.publisher_key, app_id: c.social.steam.app_id },
      facebook_instant_game: { app_secret: c.social.facebook_instant_game.app_secret },
      facebook_limited_login: { app_id: c.social.facebook_limited_login.app_id },
      apple: { bundle_id: c.social.apple.bundle_id },
    },
    runtime: { env: envMap(c.runtime.env), http_key: c.runtime.http_key },
  };
}

const camel = (k: string): string => k.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());

function camelKeys(v: unknown, keepKeys: boolean): unknown {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [keepKeys ? k : camel(k), camelKeys(x, k === "env")]));
}

/** The same view with camelCase keys (env keys kept as written). */
export function configViewJs(c: Config): Record<string, unknown> {
  return camelKeys(configViewLua(c), false) as Record<string, unknown>;
}
