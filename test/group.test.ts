// Black-box: the group routes over the wire with nakama-js (and raw fetch for Nakama's exact bodies), on
// the embedded database and, when TROUPE_TEST_DATABASE_URL is set, on PostgreSQL: create/update/delete,
// join (open, closed with −5 to admins), add with −4, role changes and their permission errors, leave,
// the three listings with filters and cursors, validation errors of api_group.go, and concurrent joins
// that never exceed max_count.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Client, Session } from "@heroiclabs/nakama-js";
import { bootServer, type BootedServer, testDatabases } from "./helpers/boot.js";
import { clientFor } from "./realtime-kit.js";

const databases = testDatabases;

for (const database of databases) {
  describe(`group routes on ${database.name}`, { skip: database.skip }, () => {
    let s: BootedServer;
    let client: Client;
    let n = 0;

    before(async () => {
      s = await bootServer({ "logger.level": "warn" }, { database: database.name });
      client = clientFor(s);
    });
    after(async () => {
      await s.stop();
    });

    const user = async (name: string): Promise<Session> => client.authenticateDevice(`gr-${database.name}-${name}-${++n}-device`, true, `${name}${database.name}${n}`);
    async function call(method: string, path: string, session: Session | null, body?: unknown): Promise<{ status: number; body: any }> {
      const headers: Record<string, string> = session === null ? {} : { authorization: `Bearer ${session.token}` };
      const r = await fetch(s.httpUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      return { status: r.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
    }
    const err = (status: number, code: number, message: string) => ({ status, body: { code, message } });
    const bad = (message: string) => err(400, 3, message);
    const roles = async (s0: Session, groupId: string, state?: number): Promise<Array<[string | undefined, number | undefined]>> =>
      ((await client.listGroupUsers(s0, groupId, state, 100)).group_users ?? []).map((g) => [g.user?.id, g.state]);

    test("create: Nakama's JSON, creator superadmin, unique names, validation", async () => {
      const owner = await user("owner");
      const created = await call("POST", "/v2/group", owner, { name: `Knights ${database.name}`, description: "d", open: false, max_count: 10 });
      assert.equal(created.status, 200);
      assert.deepEqual(Object.keys(created.body), ["id", "creator_id", "name", "description", "lang_tag", "metadata", "open", "edge_count", "max_count", "create_time", "update_time"]);
      assert.deepEqual([created.body.open, created.body.edge_count, created.body.max_count, created.body.lang_tag, created.body.metadata], [false, 1, 10, "en", "{}"]);
      assert.deepEqual(await roles(owner, created.body.id), [[owner.user_id, 0]]);
      assert.deepEqual(await call("POST", "/v2/group", owner, { name: `Knights ${database.name}` }), err(409, 6, "Group name is in use."));
      assert.deepEqual(await call("POST", "/v2/group", owner, {}), bad("Group name must be set."));
      assert.deepEqual(await call("POST", "/v2/group", owner, { name: "x", max_count: -1 }), bad("Group max count must be >= 1 when set."));
      assert.deepEqual(await call("POST", "/v2/group", null, { name: "x" }), err(401, 16, "Auth token required"));
      const g = await client.createGroup(owner, { name: `Open ${database.name}`, open: true });
      assert.equal(g.open, true);
      assert.equal(g.max_count, 100);
    });

    test("join, join requests with −5, add with −4, leave and its last-superadmin rule", async () => {
      const owner = await user("jowner");
      const joiner = await user("joiner");
      const other = await user("other");
      const open = await client.createGroup(owner, { name: `J open ${database.name}`, open: true });
      assert.equal(await client.joinGroup(joiner, open.id!), true);
      assert.equal(await client.joinGroup(joiner, open.id!), true);
      assert.deepEqual(await roles(owner, open.id!), [[owner.user_id, 0], [joiner.user_id, 2]]);

      const closed = await client.createGroup(owner, { name: `J closed ${database.name}`, open: false });
      assert.equal(await client.joinGroup(joiner, closed.id!), true);
      assert.deepEqual(await roles(owner, closed.id!, 3), [[joiner.user_id, 3]]);
      const ownerNotes = await client.listNotifications(owner, 10);
      assert.deepEqual(ownerNotes.notifications?.map((x) => [x.code, x.subject, x.content]),
        [[-5, `User ${joiner.username} wants to join your group`, { group_id: closed.id, username: joiner.username }]]);

      assert.equal(await client.addGroupUsers(owner, closed.id!, [joiner.user_id!, other.user_id!]), true);
      assert.deepEqual((await roles(owner, closed.id!)).map((r) => r[1]), [0, 2, 2]);
      const otherNotes = await client.listNotifications(other, 10);
      assert.deepEqual(otherNotes.notifications?.map((x) => [x.code, x.subject, x.sender_id]), [[-4, `You've been added to group J closed ${database.name}`, owner.user_id]]);
      const mine = await client.listUserGroups(other, other.user_id!);
      assert.deepEqual(mine.user_groups?.map((ug) => [ug.group?.id, ug.state, ug.group?.edge_count]), [[closed.id, 2, 3]]);

      assert.deepEqual(await call("POST", `/v2/group/${closed.id}/leave`, owner), bad("Cannot leave group when you are the last superadmin."));
      assert.equal(await client.leaveGroup(other, closed.id!), true);
      assert.deepEqual(await call("POST", `/v2/group/${closed.id}/join`, other), { status: 200, body: {} });
      assert.deepEqual(await call("POST", "/v2/group/00000000-0000-4000-8000-000000000000/join", other), err(404, 5, "Group not found."));
      assert.deepEqual(await call("POST", `/v2/group/${closed.id}/add?user_ids=00000000-0000-4000-8000-000000000000`, owner), bad("One or more users not found."));
      assert.deepEqual(await call("POST", `/v2/group/${closed.id}/add?user_ids=${other.user_id}`, joiner), err(404, 5, "Group not found or permission denied."));
    });

    test("roles: promote, demote, kick, ban with Nakama's permissions; update and delete", async () => {
      const sa = await user("sa");
      const [admin, m1, m2] = await Promise.all([user("admin"), user("m1"), user("m2")]);
      const g = await client.createGroup(sa, { name: `Roles ${database.name}`, open: true });
      const gid = g.id!;
      for (const u of [admin, m1, m2]) await client.joinGroup(u, gid);
      assert.deepEqual(await client.promoteGroupUsers(sa, gid, [admin.user_id!]), {}); // nakama-js hands back the body here
      assert.deepEqual(await roles(sa, gid, 1), [[admin.user_id, 1]]);
      assert.deepEqual(await call("POST", `/v2/group/${gid}/kick?user_ids=${m2.user_id}`, m1), err(404, 5, "Group not found or permission denied."));
      assert.equal(await client.kickGroupUsers(admin, gid, [sa.user_id!, m1.user_id!]), true); // the superadmin stays
      assert.deepEqual((await roles(sa, gid)).map((r) => r[0]), [sa.user_id, admin.user_id, m2.user_id]);
      assert.equal(await client.banGroupUsers(admin, gid, [m2.user_id!]), true);
      assert.deepEqual(await roles(sa, gid, 4), [[m2.user_id, 4]]);
      assert.equal(await client.joinGroup(m2, gid), true); // banned: nothing happens
      assert.deepEqual(await roles(sa, gid, 4), [[m2.user_id, 4]]);
      assert.equal(await client.demoteGroupUsers(sa, gid, [admin.user_id!]), true);
      assert.deepEqual(await roles(sa, gid), [[sa.user_id, 0], [admin.user_id, 2]]);
      assert.deepEqual(await call("POST", `/v2/group/${gid}/demote`, sa), bad("User IDs must be set."));
      assert.deepEqual(await call("POST", `/v2/group/${gid}/promote`, sa), { status: 200, body: {} });
      assert.deepEqual(await call("POST", `/v2/group/${gid}/ban?user_ids=nope`, sa), bad("User ID must be a valid ID."));

      assert.deepEqual(await call("PUT", `/v2/group/${gid}`, admin, { name: "x" }), err(404, 5, "Group not found or you're not allowed to update."));
      assert.deepEqual(await call("PUT", `/v2/group/${gid}`, sa, {}), bad("Specify at least one field to update."));
      assert.deepEqual(await call("PUT", `/v2/group/${gid}`, sa, { name: "" }), bad("Group name cannot be empty."));
      assert.deepEqual(await call("PUT", `/v2/group/${gid}`, sa, { lang_tag: "" }), bad("Group language cannot be empty."));
      assert.equal(await client.updateGroup(sa, gid, { name: `Renamed ${database.name}`, description: "new", open: false }), true);
      const [renamed] = (await client.listUserGroups(sa, sa.user_id!)).user_groups?.map((u) => u.group) ?? [];
      assert.deepEqual([renamed?.name, renamed?.description, renamed?.open], [`Renamed ${database.name}`, "new", false]);
      assert.deepEqual(await call("DELETE", `/v2/group/${gid}`, admin), bad("Group not found or you're not allowed to delete."));
      assert.equal(await client.deleteGroup(sa, gid), true);
      assert.deepEqual(await call("GET", `/v2/group/${gid}/user`, sa), { status: 200, body: {} });
      assert.deepEqual(await call("DELETE", "/v2/group/nope", sa), bad("Group ID must be a valid ID."));
    });

    test("listings: filters, cursors and their errors", async () => {
      const u = await user("lister");
      const tag = `t${database.name}`.slice(0, 18);
      for (let i = 0; i < 3; i++) await call("POST", "/v2/group", u, { name: `List ${database.name} ${i}`, lang_tag: tag, open: i !== 1 });
      const page1 = await client.listGroups(u, `List ${database.name}%`, undefined, 2);
      assert.deepEqual(page1.groups?.map((g) => g.name), [`List ${database.name} 0`, `List ${database.name} 1`]);
      const page2 = await client.listGroups(u, `List ${database.name}%`, page1.cursor, 2);
      assert.deepEqual(page2.groups?.map((g) => g.name), [`List ${database.name} 2`]);
      assert.equal(page2.cursor, undefined);
      const openTagged = await call("GET", `/v2/group?lang_tag=${tag}&open=true&limit=10`, u);
      assert.deepEqual(openTagged.body.groups.map((g: { name: string }) => g.name).sort(), [`List ${database.name} 0`, `List ${database.name} 2`]);
      const oneDefault = await call("GET", `/v2/group?lang_tag=${tag}`, u);
      assert.equal(oneDefault.body.groups.length, 1);
      assert.equal(typeof oneDefault.body.cursor, "string");
      assert.deepEqual(await call("GET", "/v2/group?name=x&open=true", u), bad("name filter cannot be combined with any other filter"));
      assert.deepEqual(await call("GET", "/v2/group?cursor=%21%21", u), bad("Malformed cursor was used."));
      assert.deepEqual(await call("GET", "/v2/group?limit=101", u), bad("Invalid limit - limit must be between 1 and 100."));
      assert.deepEqual(await call("GET", "/v2/group?open=maybe", u).then((r) => r.status), 400);
      const gid = page1.groups[0].id!;
      assert.deepEqual(await call("GET", `/v2/group/${gid}/user?state=5`, u), bad("Invalid state - state must be between 0 and 4."));
      assert.deepEqual(await call("GET", `/v2/group/${gid}/user?cursor=zz`, u), bad("Cursor is invalid."));
      assert.deepEqual(await call("GET", "/v2/group/nope/user", u), bad("Group ID must be a valid ID."));
      assert.deepEqual(await call("GET", "/v2/user/nope/group", u), bad("Group ID must be a valid ID."));
      assert.deepEqual(await call("GET", `/v2/user/${u.user_id}/group?limit=0`, u), bad("Invalid limit - limit must be between 1 and 100."));
      // Raw: nakama-js's listUserGroups swaps limit and state on the wire.
      const mine1 = (await call("GET", `/v2/user/${u.user_id}/group?limit=2`, u)).body;
      const mine2 = (await call("GET", `/v2/user/${u.user_id}/group?limit=2&cursor=${mine1.cursor}`, u)).body;
      assert.deepEqual([mine1.user_groups.length, mine2.user_groups.length, mine2.cursor], [2, 1, undefined]);
      assert.deepEqual(mine1.user_groups[0].state, 0);
    });

    test("concurrent joins never exceed max_count", async () => {
      const owner = await user("cowner");
      const g = await call("POST", "/v2/group", owner, { name: `Crowd ${database.name}`, open: true, max_count: 5 });
      const joiners = await Promise.all(Array.from({ length: 16 }, (_, i) => user(`crowd${i}`)));
      const results = await Promise.all(joiners.map((j) => call("POST", `/v2/group/${g.body.id}/join`, j)));
      assert.equal(results.filter((r) => r.status === 200).length, 4);
      assert.ok(results.filter((r) => r.status !== 200).every((r) => r.status === 400 && r.body.message === "Group is full."));
      const members = await client.listGroupUsers(owner, g.body.id, undefined, 100);
      assert.equal(members.group_users?.length, 5);
      const listed = await client.listUserGroups(owner, owner.user_id!);
      assert.equal(listed.user_groups?.[0].group?.edge_count, 5);
    });
  });
}
