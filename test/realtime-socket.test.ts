// Black-box: the realtime socket itself, over the wire. Authentication at upgrade (good, bad, expired
// token, Bearer header, bad format), ping/pong envelopes, the envelope rules (cid echo, missing,
// unknown and malformed payloads, wrong frame type), the rpc envelope without a registry, the message
// size limit, and the liveness checks (pong timeout), in both formats.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { bootServer, type BootedServer } from "./helpers/boot.js";
import { FORMATS, RawSocket, clientFor, closeAll, login, peer, wsUrl } from "./realtime-kit.js";

let s: BootedServer;
let token: string;

before(async () => {
  s = await bootServer({ "logger.level": "warn", "socket.max_message_size_bytes": 1024 });
  token = (await login(clientFor(s), "sockowner")).token;
});
after(async () => {
  await s.stop();
});

async function refusal(url: string, headers?: Record<string, string>): Promise<{ status: number; body: string }> {
  const e = (await RawSocket.open(url, "json", { headers }).then(
    () => assert.fail("upgrade should be refused"),
    (err: unknown) => err,
  )) as { status: number; body: string };
  return { status: e.status, body: e.body };
}

function forge(payload: object, key = "defaultencryptionkey"): string {
  const h = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url");
  const p = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${h}.${p}.${createHmac("sha256", key).update(`${h}.${p}`).digest("base64url")}`;
}

describe("upgrade", () => {
  test("a missing, bad, forged or expired token is refused with Nakama's 401 text", async () => {
    const base = s.wsUrl;
    const expired = forge({ tid: "2b4c0d0e-0000-4000-8000-000000000001", uid: "2b4c0d0e-0000-4000-8000-000000000002", usn: "x", exp: 1000, iat: 900 });
    const wrongKey = forge({ uid: "2b4c0d0e-0000-4000-8000-000000000002", exp: 4102444800 }, "other");
    for (const url of [base, `${base}?token=`, `${base}?token=garbage`, `${base}?token=${expired}`, `${base}?token=${wrongKey}`]) {
      assert.deepEqual(await refusal(url), { status: 401, body: "Missing or invalid token\n" }, url);
    }
  });

  test("format other than json/protobuf is 400, checked before the token", async () => {
    assert.deepEqual(await refusal(`${s.wsUrl}?format=xml`), { status: 400, body: "Invalid format parameter\n" });
    assert.deepEqual(await refusal(`${s.wsUrl}?format=xml&token=${token}`), { status: 400, body: "Invalid format parameter\n" });
  });

  test("a Bearer header is accepted and wins over the query token", async () => {
    const raw = await RawSocket.open(`${s.wsUrl}?token=garbage`, "json", { headers: { authorization: `Bearer ${token}` } });
    raw.send({ cid: "1", ping: {} });
    assert.deepEqual(await raw.reply("1"), { cid: "1", pong: {} });
    raw.close();
    assert.deepEqual(await refusal(`${s.wsUrl}?token=${token}`, { authorization: `Basic ${token}` }), {
      status: 401,
      body: "Missing or invalid token\n",
    });
  });
});

for (const format of FORMATS) {
  describe(`envelopes (${format})`, () => {
    test("ping gets pong with the same cid; pong gets nothing", async () => {
      const raw = await RawSocket.open(wsUrl(s, token, format), format);
      raw.send({ cid: "7", pong: {} });
      raw.send({ cid: "8", ping: {} });
      const r = await raw.reply("8");
      assert.equal(r.cid, "8");
      assert.deepEqual(r.pong, {});
      assert.equal(raw.messages.seen.some((m) => m.cid === "7"), false);
      closeAll(raw);
    });

    test("rpc without a registered function: RUNTIME_FUNCTION_NOT_FOUND (6); without an id: BAD_INPUT (3)", async () => {
      const p = await peer(s, `rpc${format}`, format);
      // (the protobuf adapter's decoder adds an empty `context` map: compare code and message)
      await assert.rejects(p.socket.rpc("nothing_here", "{}"), (e: { code: number; message: string }) => {
        assert.deepEqual([e.code, e.message], [6, "RPC function not found"]);
        return true;
      });
      await assert.rejects(p.socket.rpc("", "{}"), (e: { code: number; message: string }) => {
        assert.deepEqual([e.code, e.message], [3, "RPC ID must be set"]);
        return true;
      });
      closeAll(p);
    });

    test("an envelope without a message: MISSING_PAYLOAD, then the socket is closed", async () => {
      const raw = await RawSocket.open(wsUrl(s, token, format), format);
      raw.send({ cid: "3" });
      const r = await raw.reply("3");
      assert.deepEqual(r.error, { code: 2, message: "Missing message." });
      assert.equal((await raw.closed()).code, 1000);
    });

    test("a server-only message from a client: UNRECOGNIZED_PAYLOAD, then closed", async () => {
      const raw = await RawSocket.open(wsUrl(s, token, format), format);
      raw.send({ cid: "4", match: { match_id: "x." } });
      assert.deepEqual((await raw.reply("4")).error, { code: 1, message: "Unrecognized message." });
      assert.deepEqual(await raw.closed(), { code: 1000, reason: "error processing message" });
    });

    test("a frame of the other kind (text vs binary) closes the socket", async () => {
      const raw = await RawSocket.open(wsUrl(s, token, format), format);
      raw.sendRaw(format === "json" ? Buffer.from([8, 1]) : '{"ping":{}}', format === "json");
      assert.deepEqual(await raw.closed(), { code: 1000, reason: "received unexpected WebSocket message type" });
    });

    test("a frame over socket.max_message_size_bytes closes with 1009", async () => {
      const raw = await RawSocket.open(wsUrl(s, token, format), format);
      raw.send({ cid: "1", rpc: { id: "x", payload: "y".repeat(2000) } });
      assert.equal((await raw.closed()).code, 1009);
    });
  });
}

describe("malformed payloads close the session (no error reply)", () => {
  const cases: Array<[string, string | Buffer, boolean]> = [
    ["json", "not json", false],
    ["json", '{"cid":1,"ping":{}}', false],
    ["json", '{"cid":"1","ping":{},"pong":{}}', false],
    ["json", '{"cid":"1","ping":{},"unknown_field":1}', false],
    ["json", '{"cid":"1","match_join":{"match_id":5}}', false],
    ["protobuf", Buffer.from([0x0a, 0x05, 0x31]), true],
  ];
  for (const [format, data, binary] of cases) {
    test(`${format}: ${JSON.stringify(data.toString())}`, async () => {
      const raw = await RawSocket.open(wsUrl(s, token, format as "json" | "protobuf"), format as "json" | "protobuf");
      raw.sendRaw(data, binary);
      assert.deepEqual(await raw.closed(), { code: 1000, reason: "received malformed payload" });
      assert.equal(raw.messages.seen.length, 0);
    });
  }

  test("camelCase field names are accepted in JSON", async () => {
    const raw = await RawSocket.open(wsUrl(s, token, "json"), "json");
    raw.sendRaw('{"cid":"9","matchCreate":{}}', false);
    const r = await raw.reply("9");
    assert.match(r.match.match_id as string, /^[0-9a-f-]{36}\.$/);
    closeAll(raw);
  });
});

describe("liveness", () => {
  test("a client that never answers pings is closed after pong_wait_ms; one that does stays", async () => {
    const fast = await bootServer({ "logger.level": "warn", "socket.ping_period_ms": 100, "socket.pong_wait_ms": 250 });
    try {
      const t = (await login(clientFor(fast), "livenessuser")).token;
      const mute = await RawSocket.open(wsUrl(fast, t, "json"), "json", { autoPong: false });
      const polite = await RawSocket.open(wsUrl(fast, t, "json"), "json");
      const pings: number[] = [];
      mute.ws.on("ping", () => pings.push(Date.now()));
      assert.deepEqual(await mute.closed(3000), { code: 1000, reason: "pong timeout" });
      assert.ok(pings.length >= 1, "pings were sent");
      polite.send({ cid: "1", ping: {} });
      assert.deepEqual((await polite.reply("1")).pong, {});
      closeAll(polite);
    } finally {
      await fast.stop();
    }
  });
});
