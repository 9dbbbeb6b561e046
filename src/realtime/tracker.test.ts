// Unit tests of the tracker: presences per stream and session, Nakama's event rules (hidden presences
// silent, update = join + leave, events grouped per stream), and the untrack variants.
import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamMode, streamId, streamKey } from "./tracker.js";
import { testCore, testSession } from "./testkit.js";

const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";
const M = streamId(StreamMode.MATCH_RELAYED, "33333333-3333-4333-8333-333333333333");
const meta = (username: string, hidden = false) => ({ username, hidden, persistence: false, status: "" });

test("track is idempotent per session and stream; events group by stream; hidden ones are silent", () => {
  const core = testCore();
  const t = core.tracker;
  t.takeEvents(); // the default (hidden) notification presences made none
  const { h: a } = testSession(core, U1);
  const { h: b } = testSession(core, U2);
  assert.deepEqual(t.takeEvents(), []);
  assert.deepEqual(t.track(a, M, meta("a")), { ok: true, isNew: true });
  assert.deepEqual(t.track(a, M, meta("a")), { ok: true, isNew: false });
  t.track(b, M, meta("b"));
  t.track(b, streamId(99, "", "", "x"), meta("b", true));
  const events = t.takeEvents();
  assert.equal(events.length, 1);
  assert.equal(events[0].stream.key, streamKey(M));
  assert.deepEqual(events[0].joins.map((p) => p.userId), [U1, U2]);
  assert.equal(t.countByStream(M), 2);
  assert.deepEqual(t.list(streamId(99, "", "", "x"), true, false).map((p) => p.userId), [U2]);
  assert.deepEqual(t.list(streamId(99, "", "", "x"), false, true), []);
});

test("update is a join of the new meta plus a leave of the old; untrack and untrackAll leave", () => {
  const core = testCore();
  const t = core.tracker;
  const { h: a } = testSession(core, U1);
  const S = streamId(StreamMode.STATUS, U1);
  t.track(a, S, { ...meta("a"), status: "one" });
  t.takeEvents();
  assert.equal(t.update(a, S, { ...meta("a"), status: "two" }), true);
  const [e] = t.takeEvents();
  assert.deepEqual(e.joins.map((p) => p.meta.status), ["two"]);
  assert.deepEqual(e.leaves.map((p) => p.meta.status), ["one"]);
  t.track(a, M, meta("a"));
  t.untrack(a.id, S);
  t.untrackAll(a.id);
  const events = t.takeEvents();
  assert.deepEqual(events.map((x) => [x.stream.id.mode, x.joins.length, x.leaves.length]), [
    [StreamMode.MATCH_RELAYED, 1, 1],
    [StreamMode.STATUS, 0, 1],
  ]);
  assert.equal(t.count(), 0);
  assert.equal(t.streamExists(M), false);
});

test("a closing session cannot be tracked; untrackByModes keeps the skipped stream; untrackByStream is silent", () => {
  const core = testCore();
  const t = core.tracker;
  const { h: a } = testSession(core, U1);
  const { h: b } = testSession(core, U2);
  const M2 = streamId(StreamMode.MATCH_RELAYED, "44444444-4444-4444-8444-444444444444");
  t.track(a, M, meta("a"));
  t.track(a, M2, meta("a"));
  t.track(b, M2, meta("b"));
  t.untrackByModes(a.id, new Set([StreamMode.MATCH_RELAYED]), streamKey(M2));
  assert.equal(t.get(a.id, M), undefined);
  assert.ok(t.get(a.id, M2));
  t.takeEvents();
  t.untrackByStream(M2);
  assert.deepEqual(t.takeEvents(), []);
  assert.equal(t.streamExists(M2), false);
  b.close(1000, "bye");
  assert.deepEqual(t.track(b, M, meta("b")), { ok: false, isNew: false });
});
