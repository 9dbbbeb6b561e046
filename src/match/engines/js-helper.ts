// Owns the guest side of JavaScript matches: the helper text appended to the bundle of every match VM
// (plain ES5), which keeps each match's box (handlers, state, ctx, logger, nk, dispatcher) inside the VM,
// builds the dispatcher over the host's functions and batches plain broadcasts. The host side is js.ts
// (and shapes.ts for the batch and the io buffer's layout).
import { BATCHED, IO_BYTES, IO_PAYLOAD_BYTES, IO_RECORDS, IO_RECORDS_AT, SENDER_SLOTS } from "./shapes.js";

/**
 * Appended to the bundle of match VMs (plain ES5, strict-mode safe). Codes: 0 no result, 1 a state,
 * 2 not an object, 3 an object without state. `box`: h handlers, s state, c ctx, l logger, n nk, d the
 * dispatcher, take hands the batch over (see shapes.ts jsBroadcasts), f sends it. The dispatcher is built
 * in the guest over the host's functions: broadcasts whose arguments are plain (no presence filter, an
 * integer op code, string or ArrayBuffer data, a presence-shaped sender) go to the host as primitives:
 * the first one from each sender at once through `fast` (the host checks the sender: a bad one fails at
 * the call), the later ones into the batch (records in the io buffer, string payloads in `q`), which
 * reaches the host in one piece when the callback returns (its result carries it) or before any other
 * host call (the rest of the dispatcher, nk), so the host sees every broadcast in call order. Without
 * in-place io (box.w false) every plain broadcast goes through `fast`. Anything else goes to the generic
 * functions, which check and report as usual. nk functions are wrapped to hand the batch over first.
 *
 * `loop(tick, n, bytes, add, reset)` is matchLoop's entry (returned by the dispatcher's setup, whose
 * closure it shares: guest code is slow in the asyncify build, every property load counts): n messages
 * in `bytes`, or in the VM's io buffer when undefined (per message five float64: op code, receive time,
 * sender slot, payload length or -1, reliable 1/0; then the payloads end to end); `add` the JSON of
 * senders new to the VM ([userId, sessionId, username, node] each, appended to the slot table `p`),
 * `reset` empties that table first. Each message gets its own sender object and data ArrayBuffer.
 */
/**
 * The helper's text without comments, indentation or blank lines: every match VM compiles it and keeps
 * its source (Function.prototype.toString), and the host keeps each VM's bundle text.
 */
function compact(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("//"))
    .join("\n");
}

export const HELPER = compact(`
;function __troupe_match_boot(ctx, logger, nk, initializer, want, survey) {
  var found = false, handlers = null, shim = {}, parse = JSON.parse, toText = Function.prototype.call.bind(Function.prototype.toString);
  var slice = Function.prototype.call.bind(ArrayBuffer.prototype.slice);
  // survey: the source text of InitModule and of every function registered other than match handlers
  // (see js-build.ts).
  var seen = survey ? [toText(InitModule)] : null;
  var record = function (k) {
    var f = initializer[k];
    return function () {
      for (var i = 0; i < arguments.length; i++) if (typeof arguments[i] === "function") seen.push(toText(arguments[i]));
      return f.apply(this, arguments);
    };
  };
  for (var k in initializer) shim[k] = survey && k !== "registerMatch" && typeof initializer[k] === "function" ? record(k) : initializer[k];
  shim.registerMatch = function (name, h) {
    initializer.registerMatch(name, h);
    if (typeof name === "string" && name.toLowerCase() === want) { found = true; handlers = h; }
  };
  var io = new ArrayBuffer(${IO_BYTES});
  var box = { h: null, s: null, c: null, l: logger, n: null, d: null, take: function (code) { return null; }, f: function () {},
    j: Function.prototype.call.bind(Array.prototype.join), ps: parse, sl: slice, F: Float64Array, U16: Uint16Array, io: io, w: false };
  var wrapped = {}, nkCall = nk.call;
  nk.names.split(",").forEach(function (name) {
    wrapped[name] = function () {
      box.f();
      var a = [name];
      for (var i = 0; i < arguments.length; i++) a.push(arguments[i]);
      return nkCall.apply(null, a);
    };
  });
  box.n = wrapped;
  var done = function () {
    box.h = handlers;
    return { found: found, box: box, call: __troupe_match_call, detail: __troupe_match_detail, set: __troupe_match_set, seen: seen,
      dispatcher: __troupe_match_dispatcher, io: io,
      drain: function () { return box.take(0); } };
  };
  var r = InitModule(ctx, logger, wrapped, shim);
  return r && typeof r.then === "function" ? r.then(done) : done();
}
function __troupe_match_set(box, k, v) { box[k] = v; }
function __troupe_match_dispatcher(box, h) {
  var q = [""], known = Object.create(null), next = 1, gen = 1, fromCharCode = String.fromCharCode, U8 = Uint8Array, AB = ArrayBuffer, join = box.j;
  var io = box.io, i8 = new U8(io), i64 = new box.F(io), IO = ${IO_PAYLOAD_BYTES}, F64 = box.F, parse = box.ps, slice = box.sl;
  // The batch's records (see shapes.ts jsBroadcasts): rv[0] their count once handed over, k the count so
  // far, each four uint16s from rv[1] on.
  var rv = new box.U16(io, ${IO_RECORDS_AT}, 1 + 4 * ${IO_RECORDS}), k = 0;
  var keep = __troupe_match_keep, result = __troupe_match_result;
  // The current loop's messages: their sender objects (cs), slot-table entries (ct) and the next one (ci);
  // the slot table (p).
  var cs = [], ct = [], ci = 0, p = [];
  // w: bytes written to io since the last take() (kind 3 records' payloads, in record order). wg
  // changes whenever those bytes may have moved on (a record kept, a take()): a copy made at w earlier
  // is still good if w and wg are unchanged.
  var w = 0, wg = 0;
  // The batch handed over with code (a result's code, else 0): null when empty, else the code +
  // ${BATCHED} when it has no string payloads, else the text of the code's digit and the payloads (q[0] is
  // the digit's slot, so the text is built by one join).
  box.take = function (code) {
    if (k === 0) return null;
    rv[0] = k;
    k = 0;
    w = 0;
    wg++;
    if (q.length === 1) return code + ${BATCHED};
    q[0] = code;
    var t = join(q, "");
    q = [""];
    return t;
  };
  box.f = function () { if (k > 0) h.batch(box.take(0)); };
  // Batched bytes are copied into io, which the host reads in place (kind 3), once the host has
  // checked it can (box.w). Otherwise bytes travel as a latin1 string (one char per byte); the VM boundary
  // copies strings up to a NUL, so NUL bytes travel as U+0100, which latin1 decoding turns back into 0.
  var latin1 = function (bytes) {
    var payload = fromCharCode.apply(null, bytes);
    return payload.indexOf("\\u0000") >= 0 ? payload.split("\\u0000").join("\\u0100") : payload;
  };
  var make = function (deferred) {
    var generic = deferred ? h.broadcastMessageDeferred : h.broadcastMessage;
    return function (op, data, presences, sender, reliable) {
      // Locals start undefined: only what a path reads is set.
      var kind, payload, key, slot, n, at, g, t, same;
      if (presences != null || typeof op !== "number" || op % 1 !== 0 || (reliable !== true && reliable != null && typeof reliable !== "boolean")) {
        box.f(); generic(op, data, presences, sender, reliable); return;
      }
      if (data == null) { kind = 0; n = 0; }
      else if (data instanceof AB && (n = data.byteLength) <= 4096) {
        // The bytes are taken now (before the sender's fields are read), as the generic path would.
        if (box.w && n <= IO) {
          if (w + n > IO) box.f();
          if (n > 0) i8.set(new U8(data), w);
          kind = 3; at = w; g = wg;
        } else { kind = 2; payload = latin1(new U8(data)); }
      } else if (typeof data === "string" && data.indexOf("\\u0000") < 0) { kind = 1; payload = data; n = data.length; }
      else { box.f(); generic(op, data, presences, sender, reliable); return; }
      if (sender == null) slot = 0;
      else {
        // The sender object of the current loop's next (or last) message, fields unchanged: its slot-table
        // entry remembers the slot the host gave that sender (t[4], valid while t[5] is this generation).
        var c = ci;
        if (cs[c] === sender) t = ct[c];
        else if (c > 0 && cs[c - 1] === sender) t = ct[--c];
        same = t !== undefined && sender.userId === t[0] && sender.sessionId === t[1] && sender.username === t[2];
        if (same) ci = c + 1;
        if (same && t[5] === gen) slot = t[4];
        else {
          if (typeof sender !== "object" || typeof sender.userId !== "string" || typeof sender.sessionId !== "string" ||
            typeof sender.username !== "string") { box.f(); generic(op, data, presences, sender, reliable); return; }
          key = sender.userId + "|" + sender.sessionId + "|" + sender.username;
          if (key.indexOf("\\u0000") >= 0) { box.f(); generic(op, data, presences, sender, reliable); return; }
          slot = known[key];
          if (same && slot !== undefined) { t[4] = slot; t[5] = gen; }
        }
      }
      if (!deferred && slot !== undefined && op >= 0 && op < 0xD7FF && n < 0xD7FF && box.w) {
        // A batch record (see shapes.ts jsBroadcasts).
        if (k === ${IO_RECORDS}) box.f();
        if (kind === 3) {
          // Kind 3: the payload is the next n bytes of io (copied again only if the sender's fields ran
          // code, or the records filled up, and moved w on).
          if (at !== w || g !== wg) {
            if (w + n > IO) box.f();
            if (n > 0) i8.set(new U8(data), w);
          }
          w += n;
          wg++;
        } else if (n > 0) q.push(payload);
        var b = 4 * k++;
        rv[b + 1] = reliable !== false ? kind + 4 : kind;
        rv[b + 2] = op;
        rv[b + 3] = slot;
        rv[b + 4] = n;
        return;
      }
      if (kind === 3) {
        payload = latin1(at === w && g === wg ? new U8(io, at, n) : new U8(data));
        kind = 2;
      } else if (kind === 0) payload = null;
      box.f();
      if (key === undefined && sender != null) key = t[0] + "|" + t[1] + "|" + t[2];
      var fresh = slot === undefined && key !== undefined;
      if (fresh && next >= ${SENDER_SLOTS}) { known = Object.create(null); next = 1; gen++; }
      h.fast(op, kind, payload, key === undefined ? null : key, reliable !== false, deferred, fresh ? next : 0);
      if (fresh) {
        if (same) { t[4] = next; t[5] = gen; }
        known[key] = next++;
      }
    };
  };
  box.d = Object.freeze({
    broadcastMessage: make(false),
    broadcastMessageDeferred: make(true),
    matchKick: function (presences) { box.f(); h.matchKick(presences); },
    matchLabelUpdate: function (label) { box.f(); h.matchLabelUpdate(label); },
  });
  // matchLoop's entry (see above): builds the messages, calls the handler, keeps the state.
  var T = (i8.length >> 3) - 2;
  return function (tick, n, bytes, add, reset) {
    var msgs = [];
    // No arguments: the tick and the message count are io's last two float64s.
    if (tick === undefined) { tick = i64[T]; n = i64[T + 1]; }
    if (reset === true) p = [];
    if (add !== undefined) { var ps = parse(add); for (var k = 0; k < ps.length; k++) p.push(ps[k]); }
    if (n > 0) {
      if (bytes === undefined) bytes = io;
      var f = bytes === io ? i64 : new F64(bytes, 0, 5 * n), off = 40 * n;
      for (var i = 0, j = 0; i < n; i++, j += 5) {
        var t = p[f[j + 2]], len = f[j + 3], s = { userId: t[0], sessionId: t[1], username: t[2], node: t[3] };
        msgs[i] = { sender: s, opCode: f[j], data: len < 0 ? null : slice(bytes, off, off + len), reliable: f[j + 4] === 1, receiveTimeMs: f[j + 1] };
        cs[i] = s; ct[i] = t;
        if (len > 0) off += len;
      }
    }
    if (cs.length > n) { cs.length = n; ct.length = n; }
    ci = 0;
    var r = box.h.matchLoop(box.c, box.l, box.n, box.d, tick, box.s, msgs), code;
    if (r && typeof r.then === "function") return r.then(function (v) { return result(box, keep(box, v)); });
    // keep(box, r), inline.
    if (r === null || r === undefined) code = 0;
    else if (typeof r !== "object") code = 2;
    else if (r.state === null || r.state === undefined) code = 3;
    else { box.s = r.state; code = 1; }
    return k === 0 ? code : result(box, code);
  };
}
function __troupe_match_keep(box, r) {
  if (r === null || r === undefined) return 0;
  if (typeof r !== "object") return 2;
  if (r.state === null || r.state === undefined) return 3;
  box.s = r.state;
  return 1;
}
// A code, or the code with the batch still to hand over (see take).
function __troupe_match_result(box, code) {
  var t = box.take(code);
  return t === null ? code : t;
}
function __troupe_match_call(box, name, tick, arg) {
  var r = box.h[name](box.c, box.l, box.n, box.d, tick, box.s, arg);
  return r && typeof r.then === "function"
    ? r.then(function (v) { return __troupe_match_result(box, __troupe_match_keep(box, v)); })
    : __troupe_match_result(box, __troupe_match_keep(box, r));
}
function __troupe_match_detail(box, name, ctx, a, b, c) {
  var r = name === "matchInit" ? box.h.matchInit(box.c, box.l, box.n, a) : box.h[name](ctx || box.c, box.l, box.n, box.d, a, box.s, b, c);
  var done = function (v) {
    var code = __troupe_match_keep(box, v), q = box.take(0);
    if (code === 0 || code === 2) return { code: code, q: q };
    return { code: code, q: q, accept: v.accept, rejectMessage: v.rejectMessage, data: v.data, tickRate: v.tickRate, label: v.label };
  };
  return r && typeof r.then === "function" ? r.then(done) : done(r);
}
`);
