// nk friend functions through their bindings: add by id and username (invite then accept, with pushed
// notifications), listings per language, friends of friends, metadata, status, delete, block, and texts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "../../errors.js";
import { rejection } from "./testkit.js";
import { openServicesFixture, type ServicesFixture } from "./testkit-services.js";

let f: ServicesFixture;
let ann = "";
let bob = "";
let cat = "";
before(async () => {
  f = await openServicesFixture();
  ann = await f.player("ann");
  bob = await f.player("bob");
  cat = await f.player("cat");
});
after(async () => {
  await f.dispose();
});

describe("friends", () => {
  it("invites by id, accepts by username, lists per language", async () => {
    f.pushed.length = 0;
    await f.lua("friends_add", ann, "ann", [bob], null, { since: 2024 });
    await f.js("friendsAdd", bob, "bob", null, ["ann"]);
    assert.deepEqual(f.pushed.map((p) => [p.userIds, p.subjects]), [
      [[bob], ["ann wants to add you as a friend"]], [[ann], ["bob accepted your friend request"]],
    ]);
    const [friends, cursor] = (await f.lua("friends_list", ann)) as [Array<Record<string, unknown>>, unknown];
    assert.equal(cursor, null);
    assert.equal(friends.length, 1);
    assert.equal(friends[0].state, 0);
    assert.equal((friends[0].user as Record<string, unknown>).user_id, bob);
    assert.deepEqual(friends[0].metadata, { since: 2024 });
    assert.equal(typeof friends[0].update_time, "number");
    const js = (await f.js("friendsList", bob, 100, 0)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(js), ["friends"]);
    const [first] = js.friends as Array<Record<string, unknown>>;
    assert.equal((first.user as Record<string, unknown>).username, "ann");
  });

  it("friends of friends, metadata, status", async () => {
    await f.js("friendsAdd", cat, "cat", [bob]);
    await f.lua("friends_add", bob, "bob", [cat]);
    const [fof] = (await f.lua("friends_of_friends_list", ann)) as [Array<Record<string, unknown>>];
    assert.deepEqual(fof.map((x) => [x.referrer, (x.user as Record<string, unknown>).user_id]), [[bob, cat]]);
    const js = (await f.js("friendsOfFriendsList", ann)) as { friendsOfFriends: Array<{ referrer: string }> };
    assert.equal(js.friendsOfFriends[0].referrer, bob);
    await f.js("friendMetadataUpdate", ann, bob, { note: "best" });
    const [status] = (await f.lua("users_get_friend_status", ann, [bob, cat])) as [Array<Record<string, unknown>>];
    assert.equal(status.length, 1);
    assert.deepEqual(status[0].metadata, { note: "best" });
  });

  it("deletes and blocks", async () => {
    await f.lua("friends_delete", ann, "ann", [bob]);
    assert.deepEqual(await f.lua("friends_list", ann), [[], null]);
    await f.js("friendsBlock", ann, "ann", null, ["cat"]);
    const blocked = (await f.js("friendsList", ann, 10, 3)) as { friends: Array<{ state: number }> };
    assert.deepEqual(blocked.friends.map((x) => x.state), [3]);
  });

  it("argument texts", async () => {
    assert.equal((await rejection(f.lua("friends_add", ann, "ann", [ann]))).message, "bad argument #3 to friends_add (cannot add self as friend)");
    assert.equal((await rejection(f.js("friendsDelete", ann, "ann", null, ["ann"]))).message, "cannot delete self");
    assert.equal((await rejection(f.js("friendsBlock", ann, "ann", ["x"]))).message, "invalid user id: x");
    assert.equal((await rejection(f.lua("friends_add", ann, ""))).message, "bad argument #2 to friends_add (expects username string)");
    const none = await rejection(f.lua("friends_add", ann, "ann", null, ["nobody-by-that-name"]));
    assert.equal(none.code, Code.INVALID_ARGUMENT);
    assert.equal(none.message, "no valid ID or username was provided");
    assert.equal((await rejection(f.lua("friends_list", ann, 0))).message, "bad argument #2 to friends_list (expects limit to be 1-100)");
    assert.equal((await rejection(f.js("friendsList", ann, 10, 7))).message, "expects state to be 0-3");
    assert.equal((await rejection(f.js("friendsList", ""))).message, "expects a user ID string");
    assert.deepEqual(await f.lua("friends_add", ann, "ann"), []);
  });
});
