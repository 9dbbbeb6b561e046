// Black-box: the friend routes over the wire with nakama-js (and raw fetch for Nakama's exact bodies), on
// the embedded database and, when TROUPE_TEST_DATABASE_URL is set, on PostgreSQL: invite → accept by id
// and by username, −2/−3 notifications stored and pushed live, the online flag, metadata, listing with
// state and cursor, block, delete, friends of friends, and the validation errors of api_friend.go.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Client, Session } from "@heroiclabs/nakama-js";
import { bootServer, type BootedServer, testDatabases } from "./helpers/boot.js";
import { clientFor, connect, type Peer } from "./realtime-kit.js";

const databases = testDatabases;

for (const database of databases) {
  describe(`friend routes on ${database.name}`, { skip: database.skip }, () => {
    let s: BootedServer;
    let client: Client;
    let n = 0;
    const sockets: Peer[] = [];

    before(async () => {
      s = await bootServer({ "logger.level": "warn" }, { database: database.name });
      client = clientFor(s);
    });
    after(async () => {
      for (const p of sockets) p.socket.disconnect(false);
      await s.stop();
    });

    const user = async (name: string): Promise<Session> => client.authenticateDevice(`fr-${database.name}-${name}-${++n}-device`, true, `${name}${database.name}${n}`);
    async function call(method: string, path: string, session: Session | null): Promise<{ status: number; body: unknown }> {
      const headers: Record<string, string> = session === null ? {} : { authorization: `Bearer ${session.token}` };
      const r = await fetch(s.httpUrl + path, { method, headers });
      const text = await r.text();
      return { status: r.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
    }
    const bad = (message: string) => ({ status: 400, body: { code: 3, message } });

    test("invite by id, accept by username: states, −2 pushed live to the online invitee, −3 stored, online flag", async () => {
      const alice = await user("alice");
      const bob = await user("bob");
      const bobSocket = await connect(client, bob, "bob", "json", true); // appears online
      sockets.push(bobSocket);
      assert.equal(await client.addFriends(alice, [bob.user_id!]), true);
      const pushed = await bobSocket.pushes.first("friend request", (p) => p.kind === "notification" && p.value.code === -2);
      assert.equal(pushed.value.subject, `${alice.username} wants to add you as a friend`);
      assert.equal(pushed.value.sender_id, alice.user_id);
      assert.deepEqual(pushed.value.content, { username: alice.username });

      const aliceView = await client.listFriends(alice);
      assert.deepEqual(aliceView.friends?.map((f) => [f.user?.id, f.state, f.user?.online === true]), [[bob.user_id, 1, true]]);
      const bobView = await client.listFriends(bob);
      assert.deepEqual(bobView.friends?.map((f) => [f.user?.id, f.state, f.user?.online === true]), [[alice.user_id, 2, false]]);

      assert.equal(await client.addFriends(bob, undefined, [alice.username!]), true);
      assert.deepEqual((await client.listFriends(alice)).friends?.map((f) => f.state), [0]);
      assert.deepEqual((await client.listFriends(bob)).friends?.map((f) => f.state), [0]);
      const notes = await client.listNotifications(alice, 10);
      assert.deepEqual(notes.notifications?.map((x) => [x.code, x.subject, x.sender_id]), [[-3, `${bob.username} accepted your friend request`, bob.user_id]]);
      const bobNotes = await client.listNotifications(bob, 10);
      assert.deepEqual(bobNotes.notifications?.map((x) => x.code), [-2]);

      const raw = await call("GET", "/v2/friend", alice);
      const friend = (raw.body as { friends: Array<Record<string, unknown>> }).friends[0];
      assert.deepEqual(Object.keys(friend), ["user", "state", "update_time", "metadata"]);
      assert.equal(friend.state, 0);
      assert.equal(friend.metadata, "{}");
      assert.match(String(friend.update_time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    test("metadata on the caller's edge; listing by state with a cursor", async () => {
      const me = await user("meta");
      const others = await Promise.all([1, 2, 3].map(() => user("other")));
      const ids = others.map((o) => `ids=${o.user_id}`).join("&");
      assert.deepEqual(await call("POST", `/v2/friend?${ids}&metadata=${encodeURIComponent('{"via":"test"}')}`, me), { status: 200, body: {} });
      const list = await client.listFriends(me, 1, 2);
      assert.equal(list.friends?.length, 2);
      const raw = (await call("GET", "/v2/friend?limit=1", me)).body as { friends: Array<{ metadata: string }> };
      assert.equal(raw.friends[0].metadata, '{"via": "test"}'); // nakama-js does not map edge metadata
      const rest = await client.listFriends(me, 1, 2, list.cursor);
      assert.equal(rest.friends?.length, 1);
      assert.equal(rest.cursor, undefined);
      assert.deepEqual(await call("GET", `/v2/friend?state=0&cursor=${list.cursor}`, me), bad("Cursor is invalid."));
      const theirs = (await call("GET", "/v2/friend", others[0])).body as { friends: Array<{ metadata: string }> };
      assert.deepEqual(theirs.friends.map((f) => f.metadata), ["{}"]);
      assert.deepEqual(await call("POST", `/v2/friend?ids=${others[0].user_id}&metadata=%5B1%5D`, me), bad("Metadata must be a valid JSON object."));
    });

    test("block, delete and friends of friends", async () => {
      const a = await user("a");
      const b = await user("b");
      const c = await user("c");
      const befriend = async (x: Session, y: Session): Promise<void> => {
        await client.addFriends(x, [y.user_id!]);
        await client.addFriends(y, [x.user_id!]);
      };
      await befriend(a, b);
      await befriend(b, c);
      const fof = await client.listFriendsOfFriends(a, 10);
      assert.deepEqual(fof.friends_of_friends?.map((x) => [x.referrer, x.user?.id]), [[b.user_id, c.user_id]]);

      assert.equal(await client.blockFriends(a, undefined, [b.username!]), true);
      assert.deepEqual((await client.listFriends(a)).friends?.map((f) => [f.user?.id, f.state]), [[b.user_id, 3]]);
      assert.deepEqual((await client.listFriends(b)).friends?.map((f) => f.user?.id), [c.user_id]);
      assert.deepEqual((await client.listFriendsOfFriends(a, 10)).friends_of_friends ?? [], []);
      await client.addFriends(b, [a.user_id!]); // blocked: ignored
      assert.deepEqual((await client.listFriends(b)).friends?.map((f) => f.user?.id), [c.user_id]);

      assert.equal(await client.deleteFriends(a, [b.user_id!]), true);
      assert.deepEqual((await client.listFriends(a)).friends ?? [], []);
      await befriend(b, c); // already friends: nothing changes
      assert.equal(await client.deleteFriends(b, [c.user_id!]), true);
      const cNotes = await client.listNotifications(c, 10);
      assert.ok(cNotes.notifications?.some((x) => x.code === -9 && x.sender_id === b.user_id));
    });

    test("validation errors as api_friend.go", async () => {
      const me = await user("val");
      const other = await user("valother");
      assert.deepEqual(await call("POST", "/v2/friend", me), { status: 200, body: {} });
      assert.deepEqual(await call("POST", `/v2/friend?ids=${me.user_id}`, me), bad("Cannot add self as friend."));
      assert.deepEqual(await call("POST", `/v2/friend?usernames=${me.username}`, me), bad("Cannot add self as friend."));
      assert.deepEqual(await call("POST", "/v2/friend?ids=nope", me), bad("Invalid user ID 'nope'."));
      assert.deepEqual(await call("POST", "/v2/friend?usernames=", me), bad("Username must not be empty."));
      assert.deepEqual(await call("POST", "/v2/friend?usernames=nobody-at-all", me), bad("No valid ID or username was provided."));
      assert.deepEqual(await call("POST", "/v2/friend/block?usernames=nobody-at-all", me), bad("No valid ID or username was provided."));
      assert.deepEqual(await call("DELETE", "/v2/friend?usernames=nobody-at-all", me), { status: 200, body: {} });
      assert.deepEqual(await call("DELETE", `/v2/friend?ids=${me.user_id}`, me), bad("Cannot delete self."));
      assert.deepEqual(await call("POST", `/v2/friend/block?ids=${me.user_id}`, me), bad("Cannot block self."));
      assert.deepEqual(await call("GET", "/v2/friend?limit=0", me), bad("Invalid limit - limit must be between 1 and 1000."));
      assert.deepEqual(await call("GET", "/v2/friend?state=4", me), bad("Invalid state - state must be between 0 and 3."));
      assert.deepEqual(await call("GET", "/v2/friend?cursor=zzz", me), bad("Cursor is invalid."));
      assert.deepEqual(await call("GET", "/v2/friend/friends?limit=101", me), bad("Invalid limit - limit must be between 1 and 100."));
      assert.deepEqual(await call("GET", "/v2/friend/friends?cursor=zzz", me), bad("Cursor is invalid."));
      assert.deepEqual(await call("GET", "/v2/friend", null), { status: 401, body: { code: 16, message: "Auth token required" } });
      assert.deepEqual(await call("GET", "/v2/friend/friends", me), { status: 200, body: {} });
      assert.deepEqual(await call("POST", `/v2/friend?ids=${other.user_id}&ids=00000000-0000-4000-8000-00000000dead`, me), { status: 200, body: {} });
      assert.deepEqual((await client.listFriends(me)).friends?.map((f) => f.user?.id), [other.user_id]);
    });
  });
}
