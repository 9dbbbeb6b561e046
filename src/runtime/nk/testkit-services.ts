// Owns the fixture of the game-service nk tests: the nk fixture (testkit.ts) plus what those domains need
// from NkDeps — a leaderboard core on the same database (real clock, as the database's now() drives
// tournament start times), and live-push recorders for notify / notifyAll / the group channel — and a
// helper creating players through nk itself. Test-only: nothing in the server imports this module.
import type { api } from "../../../proto/index.js";
import { createLeaderboardCore } from "../../services/leaderboard/index.js";
import { openNkFixture, type NkFixture } from "./testkit.js";

export interface Pushed {
  userIds: readonly string[];
  subjects: string[];
}

export interface ServicesFixture extends NkFixture {
  /** notify() calls, in order. */
  pushed: Pushed[];
  /** notifyAll() subjects, in order. */
  pushedAll: string[];
  /** Group channel messages: [group id, message code]. */
  groupEvents: Array<[string, number]>;
  /** A new player (device auth through nk); returns its id. */
  player(username: string): Promise<string>;
}

export async function openServicesFixture(): Promise<ServicesFixture> {
  const f = await openNkFixture();
  const pushed: Pushed[] = [];
  const pushedAll: string[] = [];
  const groupEvents: Array<[string, number]> = [];
  f.deps.leaderboards = createLeaderboardCore({ db: f.deps.db, log: f.deps.log });
  f.deps.notify = (userIds: readonly string[], ns: readonly api.Notification[]) =>
    void pushed.push({ userIds, subjects: ns.map((n) => n.subject) });
  f.deps.notifyAll = (ns: readonly api.Notification[]) => void pushedAll.push(...ns.map((n) => n.subject));
  f.deps.groupChannel = {
    message: (groupId, m) => void groupEvents.push([groupId, m.code ?? -1]),
    removed: () => undefined,
  };
  let n = 0;
  return {
    ...f,
    pushed,
    pushedAll,
    groupEvents,
    async player(username) {
      const [id] = await f.lua("authenticate_device", `svc-device-${username}-${n++}`, username);
      return id as string;
    },
  };
}
