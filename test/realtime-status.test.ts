// Black-box: status over the wire with nakama-js sockets in both formats — follow by user id and by
// username, status updates (join of the new status + leave of the old one), appearing offline,
// unfollow, the `online` flag of GET /v2/user, and Nakama's validation errors.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { closeAll, clientFor, connect, login, peer, type Format, type Peer, type Push } from "./realtime-kit.js";

let s: BootedServer;

before(async () => {
  s = await bootServer({ "logger.level": "warn" });
});
after(async () => {
  await s.stop();
});

type P = { user_id: string; status?: string };
const uid = (p: Peer): string => p.session.user_id as string;

function statusOf(from: Peer, pred: (joins: P[], leaves: P[]) => boolean): (e: Push) => boolean {
  return (e) => {
    if (e.kind !== "status_presence") return false;
    const joins = ((e.value.joins ?? []) as P[]).filter((j) => j.user_id === uid(from));
    const leaves = ((e.value.leaves ?? []) as P[]).filter((l) => l.user_id === uid(from));
    return (joins.length > 0 || leaves.length > 0) && pred(joins, leaves);
  };
}

async function online(token: string, userId: string): Promise<boolean> {
  const r = await fetch(`${s.httpUrl}/v2/user?ids=${userId}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await r.json()) as { users: Array<{ online?: boolean }> };
  return body.users[0]?.online === true;
}

for (const [fa, fb] of [["json", "protobuf"], ["protobuf", "json"]] as Array<[Format, Format]>) {
  describe(`status: ${fa} watched, ${fb} follower`, () => {
    let a: Peer, b: Peer, c: Peer;
    before(async () => {
      const client = clientFor(s);
      a = await connect(client, await login(client, `sa${fa}`), `sa${fa}`, fa, true);
      b = await peer(s, `sb${fb}`, fb);
      c = await peer(s, `sc${fa}`, fa);
    });
    after(() => closeAll(a, b, c));

    test("follow by id lists the user's current status presence; online flag is true", async () => {
      const st = await b.socket.followUsers([uid(a)]);
      const mine = (st.presences ?? []).filter((p) => p.user_id === uid(a));
      assert.equal(mine.length, 1);
      assert.equal(mine[0].username, a.name);
      assert.equal((mine[0] as { status?: string }).status ?? "", "");
      assert.equal(await online(b.session.token, uid(a)), true);
      assert.equal(await online(b.session.token, uid(c)), false);
    });

    test("a status update reaches the follower as join(new) + leave(old)", async () => {
      await a.socket.updateStatus("in the lobby");
      const ev = await b.pushes.first("status event", statusOf(a, (j) => j.some((x) => x.status === "in the lobby")));
      const leaves = (ev.value.leaves ?? []) as P[];
      assert.deepEqual(leaves.map((l) => l.status ?? ""), [""]);
    });

    test("follow by username; the followed user comes online with status_update", async () => {
      const st = await b.socket.send({ status_follow: { usernames: [c.name, "no-such-user-xyz"] } }) as { status: { presences?: P[] } };
      assert.deepEqual(st.status.presences ?? [], []);
      await c.socket.updateStatus("hello");
      await b.pushes.first("c online", statusOf(c, (j) => j.some((x) => x.status === "hello")));
      assert.equal(await online(b.session.token, uid(c)), true);
    });

    test("appearing offline (no status) is a leave; unfollow stops events", async () => {
      await a.socket.updateStatus();
      await b.pushes.first("a offline", statusOf(a, (j, l) => j.length === 0 && l.length === 1));
      assert.equal(await online(b.session.token, uid(a)), false);
      await b.socket.unfollowUsers([uid(a)]);
      const before = b.pushes.seen.length;
      await a.socket.updateStatus("back");
      await c.socket.updateStatus("marker");
      await b.pushes.first("c marker", statusOf(c, (j) => j.some((x) => x.status === "marker")));
      assert.equal(b.pushes.seen.slice(before).some(statusOf(a, () => true)), false);
    });
  });
}

describe("status errors and edges", () => {
  let p: Peer;
  before(async () => {
    p = await peer(s, "statuserr", "json");
  });
  after(() => closeAll(p));

  const err = (e: { code: number; message: string }): [number, string] => [e.code, e.message];

  test("bad ids and usernames are BAD_INPUT; an over-long status is refused", async () => {
    await assert.rejects(p.socket.followUsers(["nope"]), (e: any) => (assert.deepEqual(err(e), [3, "Invalid user identifier"]), true));
    await assert.rejects(p.socket.send({ status_follow: { usernames: [""] } }), (e: any) => (assert.deepEqual(err(e), [3, "Invalid username"]), true));
    await assert.rejects(p.socket.unfollowUsers(["nope"]), (e: any) => (assert.deepEqual(err(e), [3, "Invalid user identifier"]), true));
    await assert.rejects(p.socket.updateStatus("x".repeat(2049)), (e: any) => (assert.deepEqual(err(e), [3, "Status must be 2048 characters or less"]), true));
  });

  test("following yourself or nobody is an empty status; unknown ids are ignored", async () => {
    const st = await p.socket.followUsers([uid(p), "0b0b0b0b-0000-4000-8000-00000000abcd"]);
    assert.deepEqual(st.presences ?? [], []);
    const none = await p.socket.followUsers([]);
    assert.deepEqual(none.presences ?? [], []);
  });

  test("a status=true session sees its own status event (sessions follow their own user)", async () => {
    const client = clientFor(s);
    const session = await login(client, "statusself");
    const first = await connect(client, session, "statusself", "json");
    const second = await connect(client, session, "statusself", "protobuf", true);
    await first.pushes.first("own second session online", statusOf(first, (j) => j.length === 1));
    closeAll(second);
    await first.pushes.first("own second session offline", statusOf(first, (_j, l) => l.length === 1));
    closeAll(first);
  });
});
