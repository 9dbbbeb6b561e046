// Unit tests of the friends service against both databases: invite → accept with edge counts, metadata
// and notifications, listing with state filter and cursor, block and delete rules, friends of friends
// paging, concurrent mutual adds, and the account-deletion step.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { api } from "../../../proto/index.js";
import type { Queryable } from "../../storage/db.js";
import type { TestDb } from "../../storage/testing.js";
import { listNotifications } from "../notifications/index.js";
import { createUser, testDatabases, testDeps } from "../storage/testkit.js";
import {
  addFriends, blockFriends, deleteFriends, friendsDeletionStep, FriendState, getFriendStatus, listFriends, listFriendsOfFriends,
  updateFriendMetadata, userIdsByUsernames, type FriendsDeps,
} from "./index.js";

for (const database of testDatabases) {
  describe(`friends on ${database.name}`, { skip: database.skip }, () => {
    let t: TestDb;
    let deps: FriendsDeps;
    const pushed: Array<{ to: string; n: api.Notification }> = [];
    const online = new Set<string>();
    before(async () => {
      t = await database.open();
      deps = {
        ...testDeps(t.db),
        isOnline: (id) => online.has(id),
        notify: (ids, ns) => ids.forEach((to) => ns.forEach((n) => pushed.push({ to, n }))),
      };
    });
    after(async () => {
      await t.dispose();
    });

    const edgeCount = async (id: string): Promise<number> =>
      (await t.db.query<{ edge_count: number }>("SELECT edge_count FROM users WHERE id = $1", [id])).rows[0].edge_count;
    const states = async (a: string): Promise<Array<[string, number | undefined]>> =>
      (await listFriends(deps, a, 0, undefined, "")).friends.map((f) => [f.user?.id ?? "", f.state]);

    test("invite then accept: states, counts, metadata per side, −2 and −3 stored and pushed", async () => {
      const a = await createUser(t.db, "fa1");
      const b = await createUser(t.db, "fb1");
      pushed.length = 0;
      await addFriends(deps, a, "fa1", [b], '{"note":"from a"}');
      assert.deepEqual(await states(a), [[b, FriendState.INVITE_SENT]]);
      assert.deepEqual(await states(b), [[a, FriendState.INVITE_RECEIVED]]);
      assert.deepEqual([await edgeCount(a), await edgeCount(b)], [1, 1]);
      assert.deepEqual(pushed.map((p) => [p.to, p.n.code, p.n.subject, p.n.content, p.n.sender_id]), [
        [b, -2, "fa1 wants to add you as a friend", '{"username":"fa1"}', a],
      ]);
      await addFriends(deps, a, "fa1", [b]); // inviting again changes nothing and notifies nobody
      assert.equal(pushed.length, 1);

      await addFriends(deps, b, "fb1", [a], '{"note":"from b"}');
      assert.deepEqual(await states(a), [[b, FriendState.FRIEND]]);
      assert.deepEqual(await states(b), [[a, FriendState.FRIEND]]);
      assert.deepEqual([await edgeCount(a), await edgeCount(b)], [1, 1]);
      assert.deepEqual(pushed.slice(1).map((p) => [p.to, p.n.code, p.n.subject]), [[a, -3, "fb1 accepted your friend request"]]);
      const stored = await listNotifications(deps, a, 10, "");
      assert.deepEqual(stored.notifications.map((n) => n.code), [-3]);
      const fa = (await listFriends(deps, a, 10, undefined, "")).friends[0];
      const fb = (await listFriends(deps, b, 10, undefined, "")).friends[0];
      assert.equal(fa.metadata, '{"note": "from a"}');
      assert.equal(fb.metadata, '{"note": "from b"}');
      assert.equal(fa.user?.username, "fb1");
      assert.equal(fa.user?.edge_count, 0, "Nakama's friend lists leave the edge count out");
      assert.ok(fa.update_time instanceof Date && fa.update_time.getMilliseconds() === 0);
      await updateFriendMetadata(deps, a, b, '{"x":1}');
      assert.equal((await listFriends(deps, a, 10, undefined, "")).friends[0].metadata, '{"x": 1}');
      assert.deepEqual(await userIdsByUsernames(deps, ["fb1", "nobody"]), [b]);
    });

    test("listing: state filter, online flag, cursor pages in (state, position) order", async () => {
      const me = await createUser(t.db);
      const others = await Promise.all([1, 2, 3, 4, 5].map(() => createUser(t.db)));
      for (const o of others.slice(0, 3)) await addFriends(deps, me, "me", [o]);
      for (const o of others.slice(3)) await addFriends(deps, o, "other", [me]);
      await addFriends(deps, others[0], "o0", [me]); // accept → friend
      online.add(others[1]);
      const all = await listFriends(deps, me, 1000, undefined, "");
      assert.deepEqual(all.friends.map((f) => f.state), [0, 1, 1, 2, 2]);
      assert.equal(all.cursor, "");
      assert.deepEqual(all.friends.map((f) => f.user?.online), [false, true, false, false, false]);
      const seen: string[] = [];
      let cursor = "";
      do {
        const p = await listFriends(deps, me, 2, undefined, cursor);
        assert.ok(p.friends.length <= 2);
        seen.push(...p.friends.map((f) => f.user?.id ?? ""));
        cursor = p.cursor;
      } while (cursor !== "");
      assert.deepEqual(seen, all.friends.map((f) => f.user?.id));
      const sent = await listFriends(deps, me, 1, FriendState.INVITE_SENT, "");
      assert.equal(sent.friends.length, 1);
      const sent2 = await listFriends(deps, me, 1, FriendState.INVITE_SENT, sent.cursor);
      assert.equal(sent2.friends.length, 1);
      assert.equal(sent2.cursor, "");
      await assert.rejects(listFriends(deps, me, 1, FriendState.FRIEND, sent.cursor), /friend cursor invalid/);
      await assert.rejects(listFriends(deps, me, 1, undefined, "not-a-cursor"), /friend cursor invalid/);
      const status = await getFriendStatus(deps, me, [others[0], others[4], me]);
      assert.deepEqual(status.map((f) => [f.user?.id, f.state]).sort(), [[others[0], 0], [others[4], 2]].sort());
    });

    test("block: blocker's edge becomes 3, the other's goes; adds across a block are ignored; delete lifts it", async () => {
      const a = await createUser(t.db);
      const b = await createUser(t.db);
      await addFriends(deps, a, "a", [b]);
      await addFriends(deps, b, "b", [a]);
      await blockFriends(deps, a, [b]);
      assert.deepEqual(await states(a), [[b, FriendState.BLOCKED]]);
      assert.deepEqual(await states(b), []);
      assert.deepEqual([await edgeCount(a), await edgeCount(b)], [1, 0]);
      pushed.length = 0;
      await addFriends(deps, b, "b", [a]); // blocked by a: nothing happens
      await addFriends(deps, a, "a", [b]); // a blocked b: delete first
      assert.deepEqual([await states(a), await states(b), pushed.length], [[[b, 3]], [], 0]);
      await blockFriends(deps, b, [a]); // both block: both edges are 3
      assert.deepEqual([await states(a), await states(b)], [[[b, 3]], [[a, 3]]]);
      await deleteFriends(deps, b, "b", [a]); // b's block goes; a's stays
      assert.deepEqual([await states(a), await states(b)], [[[b, 3]], []]);
      await deleteFriends(deps, a, "a", [b]);
      assert.deepEqual([await states(a), await edgeCount(a), await edgeCount(b)], [[], 0, 0]);
      const c = await createUser(t.db);
      await blockFriends(deps, a, [c, "00000000-0000-4000-8000-000000000000"]); // an unknown user is skipped
      assert.deepEqual(await states(a), [[c, 3]]);
    });

    test("delete: both edges go, counts drop, a friend who lost the friendship gets −9", async () => {
      const a = await createUser(t.db, "fdel_a");
      const b = await createUser(t.db);
      const c = await createUser(t.db);
      await addFriends(deps, a, "fdel_a", [b, c]);
      await addFriends(deps, b, "b", [a]);
      pushed.length = 0;
      await deleteFriends(deps, a, "fdel_a", [b, c]);
      assert.deepEqual([await states(a), await states(b), await states(c)], [[], [], []]);
      assert.deepEqual([await edgeCount(a), await edgeCount(b), await edgeCount(c)], [0, 0, 0]);
      assert.deepEqual(pushed.map((p) => [p.to, p.n.code, p.n.subject]), [[b, -9, "fdel_a removed you as a friend"]]);
    });

    test("concurrent mutual adds always end as friends with consistent counts", async () => {
      const pairs = await Promise.all(Array.from({ length: 8 }, async () => [await createUser(t.db), await createUser(t.db)] as const));
      await Promise.all(pairs.flatMap(([x, y]) => [addFriends(deps, x, "x", [y]), addFriends(deps, y, "y", [x])]));
      for (const [x, y] of pairs) {
        assert.deepEqual(await states(x), [[y, FriendState.FRIEND]]);
        assert.deepEqual(await states(y), [[x, FriendState.FRIEND]]);
        assert.deepEqual([await edgeCount(x), await edgeCount(y)], [1, 1]);
      }
    });

    test("friends of friends: excludes self and friends, pages through every pair once", async () => {
      const me = await createUser(t.db);
      const f1 = await createUser(t.db);
      const f2 = await createUser(t.db);
      const befriend = async (x: string, y: string): Promise<void> => {
        await addFriends(deps, x, "x", [y]);
        await addFriends(deps, y, "y", [x]);
      };
      await befriend(me, f1);
      await befriend(me, f2);
      await befriend(f1, f2);
      const fofs = await Promise.all([1, 2, 3].map(() => createUser(t.db)));
      for (const u of fofs) await befriend(f1, u);
      await befriend(f2, fofs[0]);
      await addFriends(deps, f2, "f2", [await createUser(t.db)]); // only an invite: not a friend of f2
      const all = await listFriendsOfFriends(deps, me, 100, "");
      const pairs = all.friends_of_friends.map((x) => `${x.referrer}>${x.user?.id}`).sort();
      assert.deepEqual(pairs, [...fofs.map((u) => `${f1}>${u}`), `${f2}>${fofs[0]}`].sort());
      const paged: string[] = [];
      let cursor = "";
      do {
        const p = await listFriendsOfFriends(deps, me, 1, cursor);
        paged.push(...p.friends_of_friends.map((x) => `${x.referrer}>${x.user?.id}`));
        cursor = p.cursor;
      } while (cursor !== "");
      assert.deepEqual(paged.sort(), pairs);
      assert.deepEqual(await listFriendsOfFriends(deps, await createUser(t.db), 10, ""), { friends_of_friends: [], cursor: "" });
      await assert.rejects(listFriendsOfFriends(deps, me, 10, "bad"), /friend cursor invalid/);
    });

    test("deletion step removes the other users' edges and their counts", async () => {
      const gone = await createUser(t.db);
      const a = await createUser(t.db);
      const b = await createUser(t.db);
      await addFriends(deps, gone, "g", [a]);
      await addFriends(deps, a, "a", [gone]);
      await addFriends(deps, b, "b", [gone]);
      await t.db.tx(async (q: Queryable) => {
        await q.query("DELETE FROM users WHERE id = $1", [gone]);
        await friendsDeletionStep(q, gone);
      });
      assert.deepEqual([await states(a), await states(b), await edgeCount(a), await edgeCount(b)], [[], [], 0, 0]);
    });
  });
}
