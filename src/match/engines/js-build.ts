// Owns match.js_build "auto": which QuickJS build a bundle's match VMs run on. The sync build runs guest
// code several times faster than the asyncify build but cannot suspend a handler, so an nk function that
// waits (storage, matchCreate…) is refused there. "auto" picks sync only when the code a match VM can run
// names no such function:
// - A match VM evaluates the whole bundle and runs InitModule, whose registrations (RPCs, hooks, other
//   matches' handlers…) it then forgets, so the functions registered only with the initializer never run in
//   it. Their text is left out, when the text shows they cannot be reached another way:
//     * a function written inline as the argument of `<initializer>.registerX(…)` in InitModule, where
//       <initializer> is InitModule's fourth parameter;
//     * a function declared as `function name(…)` or `var|let|const name = function/arrow`, registered
//       by that name in InitModule, whose name appears nowhere else in the bundle.
//   The first match VM of a bundle (on the asyncify build) reports InitModule's text and the text of every
//   function registered other than match handlers (HELPER's survey); later ones use the choice.
// - What is left is searched for the name of any nk function that waits, as a whole word (nk.storageRead,
//   nk["storageRead"], const { storageRead } = nk, a comment; waitingPattern). matchSignal is also the
//   name of a match handler every bundle defines, so it counts only after a dot or in quotes. Not seen: a
//   name built at run time (nk["storage" + "Read"]), and matchSignal taken from nk by destructuring. On the
//   sync build such a call is refused before it starts, with an error naming the setting that serves it
//   (js.ts nkEntry).
import type { JsBuild } from "../../runtime/js/index.js";
import type { MatchSettings } from "../settings.js";

/** The build a bundle's match VMs use, and why (for the log line). */
export interface JsBuildChoice {
  readonly build: JsBuild;
  /** "match.js_build" when set, for auto the waiting nk function named first, or null when none is. */
  readonly reason: string | null;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const word = (name: string): RegExp => new RegExp(`(?<![\\w$])${name.replace(/\$/g, "\\$")}(?![\\w$])`, "g");

/**
 * The choice for a bundle: `waiting` finds the name of a waiting nk function (jsNkTable), `seen` is the
 * survey (InitModule's text, then registered functions' texts), or undefined to search the whole bundle.
 */
export function jsBuildOf(source: string, waiting: RegExp | null, setting: MatchSettings["jsBuild"], seen?: readonly string[]): JsBuildChoice {
  if (setting !== "auto") return { build: setting, reason: "match.js_build" };
  const text = seen === undefined ? source : matchReachable(source, seen);
  const found = waiting?.exec(text) ?? null;
  return found === null ? { build: "sync", reason: null } : { build: "asyncify", reason: found[0] };
}

/** The match handler names of Nakama's JS API. */
const HANDLER_NAMES: ReadonlySet<string> = new Set(["matchInit", "matchJoinAttempt", "matchJoin", "matchLeave", "matchLoop", "matchTerminate", "matchSignal"]);

/**
 * Finds any of `names` (the nk functions that wait) in a bundle's text as a whole word. A name that is also
 * a match handler's (matchSignal) counts only where it reads as a property (after a dot, or quoted): every
 * bundle defines the handler, as a key, a declaration or a shorthand. nk names are plain identifiers.
 */
export function waitingPattern(names: readonly string[]): RegExp | null {
  const words = names.filter((n) => !HANDLER_NAMES.has(n));
  const props = names.filter((n) => HANDLER_NAMES.has(n));
  const parts = [
    ...(words.length > 0 ? [`(?<![\\w$])(?:${words.join("|")})`] : []),
    ...(props.length > 0 ? [`(?:(?<=[.]\\s*)|(?<=["'\`]))(?:${props.join("|")})`] : []),
  ];
  return parts.length === 0 ? null : new RegExp(`(?:${parts.join("|")})(?![\\w$])`);
}

/** The bundle's text without the registered functions a match VM cannot reach (see the file's head). */
export function matchReachable(source: string, seen: readonly string[]): string {
  const init = seen[0];
  const at = init === undefined || init === "" ? -1 : source.indexOf(init);
  if (at < 0 || source.indexOf(init, at + 1) >= 0) return source;
  const params = /^(?:async\s+)?function\s*InitModule\s*\(([^)]*)\)/.exec(init)?.[1].split(",").map((p) => p.trim());
  const p = params?.[3];
  if (p === undefined || !IDENT.test(p)) return source;
  const end = at + init.length;
  const reg = `(?<![\\w$.])${p.replace(/\$/g, "\\$")}\\s*\\.\\s*register[A-Za-z]+\\s*\\(\\s*`;
  const firstArg = `(?:"[^"\\\\\\n]*"|'[^'\\\\\\n]*'|[A-Za-z_$][\\w$.]*)\\s*,\\s*`;
  const inlineBefore = new RegExp(`${reg}(?:${firstArg})?$`);
  const closes = /^\s*\)/;
  const cuts: Array<[number, number]> = [];
  for (const fn of new Set(seen.slice(1))) {
    if (fn.length === 0) continue;
    // Inline in a registration call inside InitModule.
    for (let i = source.indexOf(fn, at); i >= 0 && i + fn.length <= end; i = source.indexOf(fn, i + 1)) {
      if (inlineBefore.test(source.slice(at, i)) && closes.test(source.slice(i + fn.length, end))) cuts.push([i, i + fn.length]);
    }
    // Declared under a name used only by its registration.
    const i = source.indexOf(fn);
    if (i < 0 || source.indexOf(fn, i + 1) >= 0) continue;
    const declared = /^(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(/.exec(fn)?.[1];
    const bound = /(?:^|[^\w$.])(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*$/.exec(source.slice(Math.max(0, i - 200), i))?.[1];
    const name = declared ?? bound;
    if (name === undefined || (source.slice(i, i + fn.length).match(word(name)) ?? []).length > (declared !== undefined ? 1 : 0)) continue;
    if ((source.match(word(name)) ?? []).length !== 2) continue;
    const byName = new RegExp(`${reg}(?:${firstArg})?${name.replace(/\$/g, "\\$")}\\s*\\)`);
    if (!byName.test(source.slice(at, end))) continue;
    cuts.push([i, i + fn.length]);
  }
  if (cuts.length === 0) return source;
  cuts.sort((a, b) => a[0] - b[0]);
  let out = "";
  let from = 0;
  for (const [s, e] of cuts) {
    if (s < from) continue; // inside a span already cut
    out += `${source.slice(from, s)} `;
    from = e;
  }
  return out + source.slice(from);
}
