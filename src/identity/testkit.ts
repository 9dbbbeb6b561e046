// Owns test fixtures for the identity domain: an IdentityCore over a throwaway database (in-memory
// PGlite, or PostgreSQL when TROUPE_TEST_DATABASE_URL is set) and deterministic social verifier doubles.
// Test-only: nothing in the server imports this module.
import { silentLogger } from "../log.js";
import { migrateUp } from "../storage/migrate.js";
import { openMemoryDb, openTestPostgres, type TestDb } from "../storage/testing.js";
import type { IdentityCore } from "./core.js";
import { deviceAccounts } from "./devices.js";
import { verifyFacebookInstantGame, type SocialConfig, type SocialVerifiers } from "./social.js";

export const testSocialConfig: SocialConfig = {
  steam: { publisher_key: "steam-key", app_id: 480 },
  facebook_instant_game: { app_secret: "fbig-secret" },
  facebook_limited_login: { app_id: "" },
  apple: { bundle_id: "com.example.game" },
};

/** Parses "<provider>:<id>[:<name>[:<email>]]"; anything else is rejected like a bad token. */
function profileFrom(provider: string, token: string) {
  const parts = token.split(":");
  if (parts[0] !== provider || parts.length < 2 || parts[1] === "") return Promise.reject(new Error("bad token"));
  return Promise.resolve({ id: parts[1], displayName: parts[2] ?? "", avatarUrl: "", email: parts[3] ?? "" });
}

/** Verifier doubles: a token "google:123:Ann:ann@example.com" is a valid Google profile, and so on. */
export function testVerifiers(): SocialVerifiers {
  return {
    apple: ({ token }) => profileFrom("apple", token),
    facebook: async ({ token }) => ({ ...(await profileFrom("facebook", token)), limitedLogin: false }),
    facebookInstantGame: verifyFacebookInstantGame,
    gameCenter: async (c) => {
      if (c.signature !== "good-signature") throw new Error("bad signature");
      return { id: c.playerId, displayName: "", avatarUrl: "", email: "" };
    },
    google: async ({ token }) => ({ ...(await profileFrom("google", token)), originalId: "" }),
    steam: ({ token }) => profileFrom("steam", token),
  };
}

export interface TestCore {
  core: IdentityCore;
  tdb: TestDb;
}

/** A migrated throwaway database and a core over it. */
export async function openTestCore(over: Partial<IdentityCore> = {}): Promise<TestCore> {
  const url = process.env.TROUPE_TEST_DATABASE_URL;
  let tdb: TestDb;
  if (url !== undefined && url !== "") {
    tdb = await openTestPostgres(url);
    await migrateUp(tdb.db);
  } else {
    tdb = await openMemoryDb();
  }
  const core: IdentityCore = {
    db: tdb.db,
    devices: deviceAccounts(tdb.db),
    log: silentLogger(),
    social: testVerifiers(),
    socialConfig: testSocialConfig,
    deletionSteps: [],
    isOnline: () => false,
    ...over,
  };
  return { core, tdb };
}
