// Owns the guest-side half of the VM: a script evaluated in every fresh context before the bundle. It
// captures the intrinsics it needs (so a bundle that later replaces JSON.stringify cannot break the
// bridge) and returns the helpers the host calls by handle. None of them is reachable from guest code.
//
// Helpers:
// - makeHostFn(slot, name): a guest function forwarding its arguments to the one host trampoline.
// - encode(value, refKeys): value → JSON text, with functions, binary data, bigints and the requested
//   top-level keys moved to a side list and replaced by {"\u0000": index} markers.
// - decode(json): JSON.parse, used for plain-data host values big enough to beat handle-by-handle building.
// - errorInfo(e): a JSON summary of a thrown value (name, message, code, stack, location).
// - makeError(message, code): an Error with a `code` property, thrown into the guest for host failures.
// - freezeGlobals(): the js_read_only_globals policy (see README.md "Read-only globals").
// - defineGlobal(name, value): installs a host object (contents frozen) as a global.
// - freezeData(value): deep-freezes plain data (objects and arrays reached through own enumerable keys),
//   e.g. a kept ctx, with the captured Object.freeze (a bundle replacing Object.freeze cannot skip it).

/** Marker key used by encode() and understood by marshal.ts. */
export const MARK = "\u0000";

/** Special kinds in the encode() side list (flattened as [kind, value, holder] triples). */
export const Special = { fn: 1, ref: 2, bytes: 3, bigint: 4 } as const;

export const PRELUDE_FILE = "<troupe-prelude>";

export const PRELUDE = String.raw`(function (hostCall) {
  "use strict";
  var G = globalThis, O = Object, stringify = JSON.stringify, isArray = Array.isArray,
      parseJson = JSON.parse, getProto = O.getPrototypeOf, ObjProto = O.prototype, AB = ArrayBuffer, isView = AB.isView,
      abSlice = Function.prototype.call.bind(AB.prototype.slice), keys = O.keys,
      ownNames = O.getOwnPropertyNames, getDesc = O.getOwnPropertyDescriptor, defProp = O.defineProperty,
      freeze = O.freeze, isFrozen = O.isFrozen, ownKeys = Reflect.ownKeys, ErrorC = Error,
      WeakSetC = WeakSet, StringC = String, MARK = "\u0000";

  // Names present before any host object or bundle code: their values (and those values' prototypes)
  // are intrinsics that freezeGlobals leaves alone.
  var builtinNames = ownNames(G);
  // Prototypes of built-in classes (Map, Set, Error, RegExp, Promise...): their instances encode as JSON
  // does (own enumerable data), not as handler objects with methods.
  var builtinProtos = new WeakSetC();
  for (var bi = 0; bi < builtinNames.length; bi++) {
    var bd = getDesc(G, builtinNames[bi]);
    var bp = bd && typeof bd.value === "function" ? getDesc(bd.value, "prototype") : undefined;
    if (bp && typeof bp.value === "object" && bp.value !== null && bp.value !== ObjProto) builtinProtos.add(bp.value);
  }
  function isUserClassInstance(v) {
    for (var p = getProto(v); p !== null && p !== ObjProto; p = getProto(p)) if (builtinProtos.has(p)) return false;
    return true;
  }

  function makeHostFn(slot, name) {
    var f = function (...args) { return hostCall(slot, ...args); };
    defProp(f, "name", { value: name });
    return f;
  }

  function marker(specials, kind, value, holder) {
    specials.push(kind, value, holder);
    var m = {}; m[MARK] = specials.length / 3 - 1;
    return m;
  }

  // Own enumerable data plus prototype methods, so handler objects built from classes keep their methods.
  function withMethods(obj, specials) {
    var out = {}, k = keys(obj), i;
    for (i = 0; i < k.length; i++) {
      var v = obj[k[i]];
      out[k[i]] = typeof v === "function" ? marker(specials, ${Special.fn}, v, obj) : v;
    }
    for (var p = getProto(obj); p !== null && p !== ObjProto; p = getProto(p)) {
      var names = ownNames(p);
      for (i = 0; i < names.length; i++) {
        var n = names[i];
        if (n === "constructor" || O.prototype.hasOwnProperty.call(out, n)) continue;
        var d = getDesc(p, n);
        if (d && typeof d.value === "function") out[n] = marker(specials, ${Special.fn}, d.value, obj);
      }
    }
    return out;
  }

  function encode(value, refKeys) {
    var specials = [], top;
    var json = stringify(value, function (key, v) {
      if (top === undefined) { top = null; return (top = replace(this, key, v)); }
      if (this === top && refKeys !== undefined && refKeys.indexOf(key) >= 0) {
        return marker(specials, ${Special.ref}, v, undefined);
      }
      return replace(this, key, v);
    });
    return specials.length === 0 ? json : [json].concat(specials);

    function replace(holder, key, v) {
      var t = typeof v;
      if (t === "function") return marker(specials, ${Special.fn}, v, key === "" ? undefined : holder);
      if (t === "bigint") return marker(specials, ${Special.bigint}, StringC(v), undefined);
      if (t !== "object" || v === null || isArray(v)) return v;
      if (v instanceof AB) return marker(specials, ${Special.bytes}, v, undefined);
      if (isView(v)) return marker(specials, ${Special.bytes}, abSlice(v.buffer, v.byteOffset, v.byteOffset + v.byteLength), undefined);
      var proto = getProto(v);
      if (proto === ObjProto || proto === null || MARK in v || !isUserClassInstance(v)) return v;
      return withMethods(v, specials);
    }
  }

  function str(v) { try { return StringC(v); } catch (e) { return "(unprintable value)"; } }

  function errorInfo(e) {
    try {
      var info = { object: e !== null && (typeof e === "object" || typeof e === "function"), text: str(e) };
      if (info.object) {
        info.isError = e instanceof ErrorC;
        var m = e.message, c = e.code, n = e.name, s = e.stack;
        if (typeof m === "string") info.message = m;
        if (typeof c === "number") info.code = c;
        if (typeof n === "string") info.name = n;
        if (typeof s === "string") info.stack = s;
        if (typeof e.fileName === "string") info.fileName = e.fileName;
        if (typeof e.lineNumber === "number") info.lineNumber = e.lineNumber;
      }
      return stringify(info);
    } catch (x) {
      return '{"object":false,"text":"(unprintable exception)"}';
    }
  }

  function makeError(message, code) {
    var e = new ErrorC(message);
    e.code = code;
    return e;
  }

  function deepFreeze(o, seen) {
    if ((typeof o !== "object" && typeof o !== "function") || o === null) return;
    if (seen.has(o) || isView(o) || o instanceof AB) return;
    seen.add(o);
    freeze(o);
    var names = ownKeys(o);
    for (var i = 0; i < names.length; i++) {
      if (typeof o === "function" && names[i] === "prototype") continue;
      var d = getDesc(o, names[i]);
      if (d && "value" in d) deepFreeze(d.value, seen);
    }
  }

  function freezeGlobals() {
    var names = ownNames(G), seen = new WeakSetC(), i;
    // Mark intrinsics as already seen so user objects that reference them do not freeze them.
    for (i = 0; i < builtinNames.length; i++) {
      var b = getDesc(G, builtinNames[i]), v = b && b.value;
      if ((typeof v !== "object" && typeof v !== "function") || v === null) continue;
      seen.add(v);
      var pd = typeof v === "function" ? getDesc(v, "prototype") : undefined;
      if (pd && typeof pd.value === "object" && pd.value !== null) seen.add(pd.value);
    }
    for (i = 0; i < names.length; i++) {
      if (builtinNames.indexOf(names[i]) >= 0) continue;
      var d = getDesc(G, names[i]);
      if (d && "value" in d) deepFreeze(d.value, seen);
    }
    freeze(G);
    return isFrozen(G);
  }

  // Host objects become ordinary (writable, configurable) globals so a bundle's own declaration of the
  // same name still loads; their contents are frozen.
  function defineGlobal(name, value) {
    deepFreeze(value, new WeakSetC());
    G[name] = value;
    builtinNames.push(name);
  }

  function decode(json) { return parseJson(json); }

  function freezeData(o) {
    if (typeof o !== "object" || o === null || isFrozen(o)) return;
    freeze(o);
    var k = keys(o);
    for (var i = 0; i < k.length; i++) {
      var v = o[k[i]];
      if (typeof v === "object" && v !== null) freezeData(v);
    }
  }

  return { makeHostFn: makeHostFn, encode: encode, decode: decode, errorInfo: errorInfo, makeError: makeError,
           freezeGlobals: freezeGlobals, defineGlobal: defineGlobal, freezeData: freezeData };
})`;
