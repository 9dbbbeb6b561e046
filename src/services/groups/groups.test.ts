// Unit tests of the groups service against both databases: create/update/delete rules, join (open,
// closed, full, repeated, banned), leave, add with join requests and −4/−5 notifications, Nakama's role
// rules for kick/ban/promote/demote, listings with filters and cursors, group channel events,
// concurrent joins never exceeding max_count, and the account-deletion step.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { api } from "../../../proto/index.js";
import type { Queryable } from "../../storage/db.js";
import type { TestDb } from "../../storage/testing.js";
import { createUser, testDatabases, testDeps } from "../storage/testkit.js";
import {
  addGroupUsers, banGroupUsers, createGroup, deleteGroup, demoteGroupUsers, getGroups, getRandomGroups, groupChannelId,
  groupsDeletionStep, GroupRole, isGroupMember, joinGroup, kickGroupUsers, leaveGroup, listGroups, listGroupUsers,
  listUserGroups, promoteGroupUsers, updateGroup, type GroupCreateInput, type GroupsDeps,
} from "./index.js";

for (const database of testDatabases) {
  describe(`groups on ${database.name}`, { skip: database.skip }, () => {
    let t: TestDb;
    let deps: GroupsDeps;
    const pushed: Array<{ to: string; n: api.Notification }> = [];
    const events: Array<{ group: string; code: number | undefined; user: string }> = [];
    const removed: Array<{ group: string; users: readonly string[] }> = [];
    let n = 0;
    before(async () => {
      t = await database.open();
      deps = {
        ...testDeps(t.db),
        notify: (ids, ns) => ids.forEach((to) => ns.forEach((x) => pushed.push({ to, n: x }))),
        channel: {
          message: (group, m) => void events.push({ group, code: m.code, user: m.sender_id }),
          removed: (group, users) => void removed.push({ group, users }),
        },
      };
    });
    after(async () => {
      await t.dispose();
    });

    const create = async (owner: string, over: Partial<GroupCreateInput> = {}): Promise<api.Group> =>
      createGroup(deps, {
        userId: owner, creatorId: owner, name: `g${database.name}${++n}`, langTag: "", description: "", avatarUrl: "", metadata: "",
        open: true, maxCount: 0, ...over,
      });
    const roles = async (groupId: string, state?: number): Promise<Array<[string, number | undefined]>> =>
      (await listGroupUsers(deps, groupId, { limit: 100, state, cursor: "" })).group_users.map((g) => [g.user?.id ?? "", g.state]);
    const count = async (groupId: string): Promise<number> => (await getGroups(deps, [groupId]))[0].edge_count;

    test("create: creator is superadmin, defaults, unique name", async () => {
      const u = await createUser(t.db);
      const g = await create(u, { name: "Unique One", description: "d" });
      assert.deepEqual([g.name, g.creator_id, g.lang_tag, g.open, g.edge_count, g.max_count, g.metadata, g.description],
        ["Unique One", u, "en", true, 1, 100, "{}", "d"]);
      assert.deepEqual(await roles(g.id), [[u, GroupRole.SUPERADMIN]]);
      await assert.rejects(create(u, { name: "Unique One" }), /group name in use/);
      await assert.rejects(create("00000000-0000-0000-0000-000000000000"), /group creator user ID invalid/);
    });

    test("join open → member with a join event; closed → request and −5 to admins; repeats change nothing", async () => {
      const owner = await createUser(t.db);
      const admin = await createUser(t.db);
      const u = await createUser(t.db, `joiner${database.name}`);
      const open = await create(owner);
      events.length = 0;
      await joinGroup(deps, open.id, u, "joiner");
      await joinGroup(deps, open.id, u, "joiner");
      assert.deepEqual(await roles(open.id), [[owner, 0], [u, 2]]);
      assert.equal(await count(open.id), 2);
      assert.deepEqual(events, [{ group: open.id, code: 3, user: u }]);
      const stored = await t.db.query<{ code: number; username: string; stream_subject: string }>(
        "SELECT code, username, stream_subject FROM message WHERE sender_id = $1", [u]);
      assert.deepEqual(stored.rows, [{ code: 3, username: "joiner", stream_subject: open.id }]);
      assert.equal(groupChannelId(open.id), `3.${open.id}..`);
      assert.equal(await isGroupMember(deps, open.id, u), true);

      const closed = await create(owner, { open: false });
      await addGroupUsers(deps, owner, closed.id, [admin]);
      await promoteGroupUsers(deps, owner, closed.id, [admin]);
      pushed.length = 0;
      await joinGroup(deps, closed.id, u, "joiner");
      await joinGroup(deps, closed.id, u, "joiner");
      assert.deepEqual(await roles(closed.id, GroupRole.JOIN_REQUEST), [[u, 3]]);
      assert.equal(await count(closed.id), 2);
      assert.equal(await isGroupMember(deps, closed.id, u), false);
      assert.deepEqual(pushed.map((p) => [p.to, p.n.code, p.n.subject, p.n.content]).sort(), [
        [admin, -5, "User joiner wants to join your group", `{"group_id":"${closed.id}","username":"joiner"}`],
        [owner, -5, "User joiner wants to join your group", `{"group_id":"${closed.id}","username":"joiner"}`],
      ].sort());
      await assert.rejects(joinGroup(deps, "00000000-0000-4000-8000-000000000000", u, "x"), /group not found/);
    });

    test("full groups refuse joins and adds; a failed add rolls back the whole batch", async () => {
      const owner = await createUser(t.db);
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => createUser(t.db)));
      const g = await create(owner, { maxCount: 2 });
      await joinGroup(deps, g.id, a, "a");
      await assert.rejects(joinGroup(deps, g.id, b, "b"), /group is full/);
      const g2 = await create(owner, { maxCount: 3 });
      await assert.rejects(addGroupUsers(deps, owner, g2.id, [a, b, c]), /group is full/);
      assert.deepEqual(await roles(g2.id), [[owner, 0]]);
      await assert.rejects(addGroupUsers(deps, owner, g2.id, [a, "00000000-0000-4000-8000-000000000000"]), /group user not found/);
      assert.deepEqual(await roles(g2.id), [[owner, 0]]);
    });

    test("add accepts join requests and sends −4; only admins may add; banned users are not re-added", async () => {
      const owner = await createUser(t.db);
      const [m, r, x] = await Promise.all([1, 2, 3].map(() => createUser(t.db)));
      const g = await create(owner, { open: false, name: `Closed${database.name}` });
      await joinGroup(deps, g.id, r, "r");
      pushed.length = 0;
      await addGroupUsers(deps, owner, g.id, [m, r]);
      assert.deepEqual((await roles(g.id)).sort(), [[owner, 0], [m, 2], [r, 2]].sort());
      assert.equal(await count(g.id), 3);
      assert.deepEqual(pushed.map((p) => [p.to, p.n.code, p.n.subject, p.n.sender_id]).sort(), [
        [m, -4, `You've been added to group Closed${database.name}`, owner],
        [r, -4, `You've been added to group Closed${database.name}`, owner],
      ].sort());
      await assert.rejects(addGroupUsers(deps, m, g.id, [x]), /group permission denied/);
      await banGroupUsers(deps, owner, g.id, [m]);
      await addGroupUsers(deps, owner, g.id, [m]);
      await joinGroup(deps, g.id, m, "m");
      assert.deepEqual(await roles(g.id, GroupRole.BANNED), [[m, 4]]);
      assert.equal(await count(g.id), 2);
      assert.deepEqual((await listUserGroups(deps, m, { limit: 10, cursor: "" })).user_groups, []);
      await addGroupUsers(deps, null, g.id, [x]); // the runtime needs no role
      assert.equal(await isGroupMember(deps, g.id, x), true);
    });

    test("role rules: promote, demote, kick, ban as Nakama; the last superadmin is protected", async () => {
      const sa = await createUser(t.db);
      const [admin, m1, m2, m3] = await Promise.all([1, 2, 3, 4].map(() => createUser(t.db)));
      const g = await create(sa);
      await addGroupUsers(deps, sa, g.id, [admin, m1, m2, m3]);
      await promoteGroupUsers(deps, sa, g.id, [admin]);
      assert.deepEqual(await roles(g.id, GroupRole.ADMIN), [[admin, 1]]);
      await promoteGroupUsers(deps, admin, g.id, [m1]); // admin: member → admin
      await promoteGroupUsers(deps, admin, g.id, [m1]); // but not admin → superadmin
      assert.deepEqual((await roles(g.id, GroupRole.ADMIN)).sort(), [[admin, 1], [m1, 1]].sort());
      await demoteGroupUsers(deps, admin, g.id, [m1]); // admin may demote an admin
      await kickGroupUsers(deps, admin, g.id, [sa, m1]); // not a superadmin; m1 (member) goes
      assert.deepEqual((await roles(g.id)).map((r) => r[0]).sort(), [sa, admin, m2, m3].sort());
      await assert.rejects(kickGroupUsers(deps, m2, g.id, [m3]), /group permission denied/);
      await promoteGroupUsers(deps, sa, g.id, [admin]); // → superadmin
      await demoteGroupUsers(deps, admin, g.id, [sa]); // superadmin → admin (another superadmin remains)
      await demoteGroupUsers(deps, null, g.id, [admin]); // the runtime cannot demote the last superadmin
      assert.deepEqual(await roles(g.id, GroupRole.SUPERADMIN), [[admin, 0]]);
      await kickGroupUsers(deps, null, g.id, [admin]); // nor kick it
      await banGroupUsers(deps, admin, g.id, [m2, m3]); // both get their own banned edge
      assert.deepEqual((await roles(g.id, GroupRole.BANNED)).sort(), [[m2, 4], [m3, 4]].sort());
      assert.equal(await count(g.id), 2);
      events.length = 0;
      removed.length = 0;
      await kickGroupUsers(deps, admin, g.id, [m2]); // a kick lifts a ban, no event
      assert.deepEqual([events, removed], [[], []]);
      await kickGroupUsers(deps, admin, g.id, [sa]);
      assert.deepEqual(events.map((e) => [e.code, e.user]), [[6, sa]]);
      assert.deepEqual(removed, [{ group: g.id, users: [sa] }]);
      assert.equal(await count(g.id), 1);
    });

    test("leave: the last superadmin cannot; members leave and counts drop; requests leave without", async () => {
      const sa = await createUser(t.db);
      const [m, r] = await Promise.all([1, 2].map(() => createUser(t.db)));
      const g = await create(sa, { open: false });
      await addGroupUsers(deps, sa, g.id, [m]);
      await joinGroup(deps, g.id, r, "r");
      await assert.rejects(leaveGroup(deps, g.id, sa, "sa"), /group last superadmin/);
      await leaveGroup(deps, g.id, r, "r");
      assert.equal(await count(g.id), 2);
      await leaveGroup(deps, g.id, m, "m");
      await leaveGroup(deps, g.id, m, "m");
      assert.deepEqual([await roles(g.id), await count(g.id)], [[[sa, 0]], 1]);
    });

    test("update and delete: permissions, no-op updates, unique names, cleared fields", async () => {
      const sa = await createUser(t.db);
      const [admin, m] = await Promise.all([1, 2].map(() => createUser(t.db)));
      const g = await create(sa, { description: "old", name: `Upd${database.name}` });
      await create(sa, { name: `Taken${database.name}` });
      await addGroupUsers(deps, sa, g.id, [admin, m]);
      await promoteGroupUsers(deps, sa, g.id, [admin]);
      await assert.rejects(updateGroup(deps, { groupId: g.id, callerId: m, name: "x" }), /group permission denied/);
      await assert.rejects(updateGroup(deps, { groupId: g.id, callerId: admin }), /no group updates/);
      await assert.rejects(updateGroup(deps, { groupId: g.id, callerId: admin, name: `Taken${database.name}` }), /group name in use/);
      await updateGroup(deps, { groupId: g.id, callerId: admin, description: "", open: false, langTag: "fr" });
      await updateGroup(deps, { groupId: g.id, callerId: null, metadata: '{"k":1}', maxCount: 50 });
      const [after1] = await getGroups(deps, [g.id]);
      assert.deepEqual([after1.description, after1.open, after1.lang_tag, after1.metadata, after1.max_count], ["", false, "fr", '{"k": 1}', 50]);
      await assert.rejects(updateGroup(deps, { groupId: "00000000-0000-4000-8000-000000000000", callerId: null, name: "n" }), /group not updated/);
      await assert.rejects(deleteGroup(deps, g.id, admin), /group permission denied/);
      await deleteGroup(deps, g.id, sa);
      assert.deepEqual([await getGroups(deps, [g.id]), await roles(g.id)], [[], []]);
      assert.deepEqual((await listUserGroups(deps, m, { limit: 10, cursor: "" })).user_groups, []);
    });

    test("listings: filters, name patterns, cursors that page through everything once", async () => {
      const u = await createUser(t.db);
      const tag = `l${database.name}`;
      const made: api.Group[] = [];
      for (let i = 0; i < 5; i++) made.push(await create(u, { name: `${tag}-${i}`, langTag: tag, open: i % 2 === 0 }));
      const walk = async (input: Parameters<typeof listGroups>[1]): Promise<string[]> => {
        const names: string[] = [];
        let cursor = "";
        do {
          const p = await listGroups(deps, { ...input, cursor });
          names.push(...p.groups.map((g) => g.name));
          cursor = p.cursor;
        } while (cursor !== "");
        return names;
      };
      const base = { name: "", langTag: "", members: -1, limit: 2, cursor: "" };
      assert.deepEqual(await walk({ ...base, name: `${tag}-%` }), made.map((g) => g.name));
      assert.deepEqual((await walk({ ...base, name: `%%${tag.toUpperCase()}-1` })), [`${tag}-1`]);
      assert.deepEqual((await walk({ ...base, langTag: tag })).sort(), made.map((g) => g.name).sort());
      assert.deepEqual((await walk({ ...base, langTag: tag, open: true })).sort(), [`${tag}-0`, `${tag}-2`, `${tag}-4`]);
      assert.deepEqual((await walk({ ...base, langTag: tag, open: false, members: 1 })).sort(), [`${tag}-1`, `${tag}-3`]);
      assert.deepEqual((await walk({ ...base, langTag: tag, members: 0 })), []);
      const everything = await walk({ ...base, limit: 3 });
      assert.equal(new Set(everything).size, everything.length);
      for (const g of made) assert.ok(everything.includes(g.name));
      const byMembers = await walk({ ...base, members: 1 });
      assert.equal(new Set(byMembers).size, byMembers.length);
      await assert.rejects(listGroups(deps, { ...base, name: "x", open: true }), /name filter cannot be combined/);
      await assert.rejects(listGroups(deps, { ...base, cursor: "???" }), /Malformed cursor was used/);
      assert.equal((await getRandomGroups(deps, 3)).length, 3);

      const g = made[0];
      const members = await Promise.all([1, 2, 3, 4].map(() => createUser(t.db)));
      await addGroupUsers(deps, u, g.id, members);
      const p1 = await listGroupUsers(deps, g.id, { limit: 3, cursor: "" });
      const p2 = await listGroupUsers(deps, g.id, { limit: 3, cursor: p1.cursor });
      assert.deepEqual([p1.group_users.length, p2.group_users.length, p2.cursor], [3, 2, ""]);
      assert.deepEqual([...p1.group_users, ...p2.group_users].map((x) => x.user?.id), [u, ...members]);
      await assert.rejects(listGroupUsers(deps, g.id, { limit: 3, state: 0, cursor: p1.cursor }), /group user cursor invalid/);
      const mine = await listUserGroups(deps, u, { limit: 2, cursor: "" });
      const mine2 = await listUserGroups(deps, u, { limit: 10, cursor: mine.cursor });
      assert.equal(mine.user_groups.length + mine2.user_groups.length, 5);
      assert.ok([...mine.user_groups, ...mine2.user_groups].every((x) => x.state === 0 && x.group?.creator_id === u));
      await assert.rejects(listUserGroups(deps, u, { limit: 2, cursor: "x" }), /user group cursor invalid/);
    });

    test("concurrent joins never exceed max_count", async () => {
      const owner = await createUser(t.db);
      const g = await create(owner, { maxCount: 6 });
      const users = await Promise.all(Array.from({ length: 24 }, () => createUser(t.db)));
      const results = await Promise.allSettled(users.map((u) => joinGroup(deps, g.id, u, "u")));
      const ok = results.filter((r) => r.status === "fulfilled").length;
      const full = results.filter((r) => r.status === "rejected" && /group is full/.test(String(r.reason))).length;
      assert.deepEqual([ok, full], [5, 19]);
      assert.equal(await count(g.id), 6);
      assert.equal((await roles(g.id)).length, 6);
    });

    test("deletion step: groups it alone leads are deleted, other memberships removed", async () => {
      const gone = await createUser(t.db);
      const other = await createUser(t.db);
      const alone = await create(gone);
      await addGroupUsers(deps, gone, alone.id, [other]);
      const shared = await create(other);
      await addGroupUsers(deps, other, shared.id, [gone]);
      await promoteGroupUsers(deps, other, shared.id, [gone]);
      const requested = await create(other, { open: false });
      await joinGroup(deps, requested.id, gone, "g");
      await t.db.tx(async (q: Queryable) => {
        await q.query("DELETE FROM users WHERE id = $1", [gone]);
        await groupsDeletionStep(q, gone);
      });
      assert.deepEqual(await getGroups(deps, [alone.id]), []);
      assert.deepEqual([await roles(shared.id), await count(shared.id)], [[[other, 0]], 1]);
      assert.deepEqual([await roles(requested.id), await count(requested.id)], [[[other, 0]], 1]);
      assert.deepEqual((await listUserGroups(deps, other, { limit: 10, cursor: "" })).user_groups.map((x) => x.group?.id).sort(),
        [shared.id, requested.id].sort());
    });
  });
}
