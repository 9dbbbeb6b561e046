// nk group functions through their bindings: create and its shape per language, update as the runtime
// and as a user, join (open and closed), add / promote / demote / kick / ban with a caller, listings,
// get by id, random, delete, the group channel and notification pushes, and Nakama's texts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "../../errors.js";
import { rejection } from "./testkit.js";
import { openServicesFixture, type ServicesFixture } from "./testkit-services.js";

let f: ServicesFixture;
let owner = "";
let member = "";
let other = "";
let gid = "";
before(async () => {
  f = await openServicesFixture();
  owner = await f.player("gowner");
  member = await f.player("gmember");
  other = await f.player("gother");
});
after(async () => {
  await f.dispose();
});

describe("groups", () => {
  it("creates: Lua and JS shapes", async () => {
    const [g] = (await f.lua("group_create", owner, "Lua Guild", null, "fr", "desc", "", true, { tier: 1 }, 10)) as [Record<string, unknown>];
    gid = g.id as string;
    assert.deepEqual([g.name, g.creator_id, g.lang_tag, g.description, g.open, g.edge_count, g.max_count], ["Lua Guild", owner, "fr", "desc", true, 1, 10]);
    assert.deepEqual(g.metadata, { tier: 1 });
    const js = (await f.js("groupCreate", owner, "JS Guild")) as Record<string, unknown>;
    assert.deepEqual([js.name, js.creatorId, js.langTag, js.open, js.maxCount, js.edgeCount], ["JS Guild", owner, "en", false, 100, 1]);
    const taken = await rejection(f.js("groupCreate", member, "JS Guild"));
    assert.equal(taken.code, Code.ALREADY_EXISTS);
    assert.equal(taken.message, "error while trying to create group: group name in use");
    assert.equal((await rejection(f.lua("group_create", owner, ""))).message, "bad argument #2 to group_create (expects group name not be empty)");
    assert.equal((await rejection(f.lua("group_create", owner, "x", null, null, null, null, null, null, 0))).message,
      "bad argument #9 to group_create (expects max_count to be >= 1)");
  });

  it("updates as the runtime and as a user", async () => {
    await f.lua("group_update", gid, null, "", null, "", "new desc");
    const [[g]] = (await f.lua("groups_get_id", [gid])) as [[Record<string, unknown>]];
    assert.deepEqual([g.name, g.lang_tag, g.description], ["Lua Guild", "fr", "new desc"]);
    await f.js("groupUpdate", gid, null, null, null, null, "", null, null, { tier: 2 });
    const [j] = (await f.js("groupsGetId", [gid])) as Array<Record<string, unknown>>;
    assert.deepEqual([j.description, j.metadata], ["", { tier: 2 }]);
    const denied = await rejection(f.js("groupUpdate", gid, other, "Hijack"));
    assert.equal(denied.code, Code.PERMISSION_DENIED);
    assert.equal(denied.message, "error while trying to update group: group permission denied");
  });

  it("membership: join, add, promote, demote, kick, ban; events and notifications", async () => {
    f.pushed.length = 0;
    f.groupEvents.length = 0;
    await f.js("groupUserJoin", gid, member, "gmember");
    await f.lua("group_users_add", gid, [other], owner);
    assert.deepEqual(f.pushed.map((p) => [p.userIds, p.subjects]), [[[other], ["You've been added to group Lua Guild"]]]);
    await f.js("groupUsersPromote", gid, [member]);
    const [users, cursor] = (await f.lua("group_users_list", gid)) as [Array<Record<string, unknown>>, unknown];
    assert.equal(cursor, null);
    assert.deepEqual(users.map((u) => [(u.user as Record<string, unknown>).user_id, u.state]), [[owner, 0], [member, 1], [other, 2]]);
    await f.lua("group_users_demote", gid, [member]);
    await f.js("groupUsersKick", gid, [member], owner);
    await f.lua("group_users_ban", gid, [other]);
    assert.deepEqual(f.groupEvents.map(([g, code]) => [g === gid, code]), [[true, 3], [true, 4], [true, 7], [true, 9], [true, 6], [true, 8]]);
    const js = (await f.js("groupUsersList", gid, 10, 4)) as { groupUsers: Array<{ user: { userId: string }; state: number }> };
    assert.deepEqual(js.groupUsers.map((u) => [u.user.userId, u.state]), [[other, 4]]);
    const [mine] = (await f.lua("user_groups_list", owner)) as [Array<Record<string, unknown>>];
    assert.deepEqual(mine.map((x) => [(x.group as Record<string, unknown>).name, x.state]).sort(), [["JS Guild", 0], ["Lua Guild", 0]]);
    const jsMine = (await f.js("userGroupsList", owner, 1)) as { userGroups: unknown[]; cursor: string | null };
    assert.equal(jsMine.userGroups.length, 1);
    assert.equal(typeof jsMine.cursor, "string");
  });

  it("closed groups take join requests; leave", async () => {
    const closed = (await f.js("groupCreate", owner, "Closed Guild", null, null, null, null, false)) as { id: string };
    f.pushed.length = 0;
    await f.lua("group_user_join", closed.id, member, "gmember");
    assert.deepEqual(f.pushed.map((p) => p.userIds), [[owner]]);
    const requests = (await f.js("groupUsersList", closed.id, 100, 3)) as { groupUsers: unknown[] };
    assert.equal(requests.groupUsers.length, 1);
    await f.js("groupUserLeave", closed.id, member, "gmember");
    const last = await rejection(f.lua("group_user_leave", closed.id, owner, "gowner"));
    assert.equal(last.message, "error while trying to leave a group: group last superadmin");
  });

  it("lists, random, delete and texts", async () => {
    const [named] = (await f.lua("groups_list", "Lua%")) as [Array<Record<string, unknown>>];
    assert.deepEqual(named.map((g) => g.name), ["Lua Guild"]);
    const open = (await f.js("groupsList", null, null, true, null, 10)) as { groups: Array<{ name: string }>; cursor: string | null };
    assert.deepEqual(open.groups.map((g) => g.name), ["Lua Guild"]);
    assert.equal(open.cursor, null);
    const [random] = (await f.lua("groups_get_random", 2)) as [unknown[]];
    assert.equal(random.length, 2);
    await f.js("groupDelete", gid);
    assert.deepEqual(await f.lua("groups_get_id", [gid]), [[]]);
    assert.equal((await rejection(f.lua("group_users_add", gid, ["00000000-0000-0000-0000-000000000000"]))).message,
      "bad argument #2 to group_users_add (cannot add the root user)");
    assert.equal((await rejection(f.js("groupUsersBan", gid, ["x"]))).message, "expects user id to be valid identifier");
    assert.equal((await rejection(f.js("groupUserJoin", "", member, "m"))).message, "expects a group ID string");
    assert.equal((await rejection(f.lua("group_users_list", gid, 500))).message, "bad argument #2 to group_users_list (expects limit to be 1-100)");
    assert.equal((await rejection(f.js("groupsGetRandom", 5000))).message, "count must be 0-1000");
    assert.equal((await rejection(f.lua("groups_list", "", "", "yes"))).message, "bad argument #2 to groups_list (expects open true/false or nil)");
    const gone = await rejection(f.js("groupUserJoin", gid, member, "gmember"));
    assert.equal(gone.code, Code.NOT_FOUND);
    assert.equal(gone.message, "error while trying to join group: group not found");
  });
});
