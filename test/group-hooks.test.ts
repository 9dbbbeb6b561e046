// Black-box: the social routes run through the pipeline under their request names. A Lua module (written
// to a temporary runtime.path) registers before hooks that change a CreateGroup request, fail
// JoinGroup with its own code, and disable AddFriends; after hooks are not awaited by the reply.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Client, Session } from "@heroiclabs/nakama-js";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { clientFor } from "./realtime-kit.js";

const MODULE = `
local nk = require("nakama")
nk.register_req_before(function(context, payload)
  payload.name = "hooked " .. payload.name
  payload.max_count = 7
  return payload
end, "CreateGroup")
nk.register_req_before(function(context, payload)
  error({ "joining is closed", 7 })
end, "JoinGroup")
nk.register_req_before(function(context, payload)
  return nil
end, "AddFriends")
`;

describe("social routes go through the hook pipeline", () => {
  let s: BootedServer;
  let client: Client;
  let me: Session;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "troupe-social-hooks-"));
    writeFileSync(path.join(dir, "social.lua"), MODULE);
    s = await bootServer({ "logger.level": "warn", "runtime.path": dir, "runtime.lua_min_count": 1, "runtime.lua_max_count": 2 });
    client = clientFor(s);
    me = await client.authenticateDevice("social-hooks-device-1", true, "socialhooks");
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(method: string, p: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const r = await fetch(s.httpUrl + p, { method, headers: { authorization: `Bearer ${me.token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) };
  }

  test("before hooks change, fail and disable requests by request name", async () => {
    const g = await client.createGroup(me, { name: "plain" });
    assert.deepEqual([g.name, g.max_count], ["hooked plain", 7]);
    assert.deepEqual(await call("POST", `/v2/group/${g.id}/join`), { status: 403, body: { code: 7, message: "joining is closed" } });
    assert.deepEqual(await call("POST", "/v2/friend?ids=00000000-0000-4000-8000-000000000001"), {
      status: 404, body: { code: 5, message: "Requested resource was not found." },
    });
    assert.deepEqual(await call("GET", "/v2/friend"), { status: 200, body: {} });
  });
});
