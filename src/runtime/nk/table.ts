// Owns the list of nk domains and `nkBindings()`, the one table every engine installs. A new domain is one
// import and one entry in DOMAINS.
import { friendBindings } from "./friends.js";
import { groupMemberBindings } from "./groups-members.js";
import { groupBindings } from "./groups.js";
import { accountBindings } from "./identity-account.js";
import { authBindings } from "./identity-auth.js";
import { linkBindingsAll } from "./identity-link.js";
import { leaderboardBindings } from "./leaderboards.js";
import { matchBindings } from "./matches.js";
import { multiBindings } from "./multi.js";
import { notificationBindings } from "./notifications.js";
import { storageBindings } from "./storage.js";
import { tournamentBindings } from "./tournaments.js";
import { cryptoBindings } from "./util-crypto.js";
import { encodingBindings } from "./util-encoding.js";
import { httpBindings } from "./util-http.js";
import { miscBindings } from "./util-misc.js";
import { sqlBindings } from "./util-sql.js";
import { walletBindings } from "./wallet.js";

import type { NkBinding } from "./types.js";

const DOMAINS: ReadonlyArray<() => NkBinding[]> = [
  authBindings,
  accountBindings,
  linkBindingsAll,
  encodingBindings,
  cryptoBindings,
  httpBindings,
  sqlBindings,
  miscBindings,
  storageBindings,
  walletBindings,
  notificationBindings,
  multiBindings,
  leaderboardBindings,
  tournamentBindings,
  friendBindings,
  groupBindings,
  groupMemberBindings,
  matchBindings,
];

/**
 * Every nk function, once. Names are unique per language (checked here, so a domain that reuses a name
 * fails at start rather than shadowing another silently).
 */
export function nkBindings(): readonly NkBinding[] {
  const all = DOMAINS.flatMap((d) => d());
  const seen = { lua: new Set<string>(), js: new Set<string>() };
  for (const b of all) {
    for (const lang of ["lua", "js"] as const) {
      const name = b[lang];
      if (name === undefined) continue;
      if (seen[lang].has(name)) throw new Error(`duplicate nk ${lang} binding: ${name}`);
      seen[lang].add(name);
    }
  }
  return all;
}
