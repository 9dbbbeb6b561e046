// Owns the entry point of the identity API: registers every identity route (authenticate ×9, session
// refresh/logout, account get/update/delete, users, link ×9, unlink ×9) on the router, and re-exports
// what other layers reuse (Bearer verification for RPC and the realtime socket, the deps type).
import type { Router } from "../transport/router.js";
import { identityCore, type IdentityDeps } from "./deps.js";
import { registerAccountRoutes } from "./routes-account.js";
import { registerAuthenticateRoutes } from "./routes-authenticate.js";
import { registerLinkRoutes } from "./routes-link.js";
import { registerSessionRoutes } from "./routes-session.js";

export { verifySessionToken, checkServerKey, parseBasicAuth, bearerToken } from "./auth.js";
export { identityCore, type IdentityDeps, type FriendImporter } from "./deps.js";

/** Registers all identity routes. Call once per server, after building `deps`. */
export function registerIdentityRoutes(router: Router, deps: IdentityDeps): void {
  const core = identityCore(deps);
  registerAuthenticateRoutes(router, deps, core);
  registerSessionRoutes(router, deps, core);
  registerAccountRoutes(router, deps, core);
  registerLinkRoutes(router, deps, core);
}
export { createIdentityAdmin, type IdentityAdmin } from "./admin.js";
