// Owns the sandbox's `os` table, restricted as Nakama's to clock, difftime, date and time. Written
// here rather than taken from fengari, whose strftime ignores the "!" (UTC) prefix and is off by one
// in %j, and whose os.time/os.date cannot take times past 2038 (32-bit integers). Times are
// float64 seconds; local time is the process time zone (TZ), as in Nakama.
import { lauxlib, lua, pushString, raise, readString, setFunction, T, toLuaString } from "./api.js";
import type { LuaState } from "./api.js";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export interface DateParts {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  min: number;
  sec: number;
  wday: number; // 0 = Sunday
  yday: number; // 1..366
  offsetMin: number; // minutes east of UTC
}

const DAY_MS = 86400000;

export function dateParts(epochSeconds: number, utc: boolean): DateParts {
  const d = new Date(epochSeconds * 1000);
  const year = utc ? d.getUTCFullYear() : d.getFullYear();
  const month = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
  const day = utc ? d.getUTCDate() : d.getDate();
  const yday = (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / DAY_MS + 1;
  return {
    year,
    month,
    day,
    hour: utc ? d.getUTCHours() : d.getHours(),
    min: utc ? d.getUTCMinutes() : d.getMinutes(),
    sec: utc ? d.getUTCSeconds() : d.getSeconds(),
    wday: utc ? d.getUTCDay() : d.getDay(),
    yday,
    offsetMin: utc ? 0 : -d.getTimezoneOffset(),
  };
}

const pad = (n: number, w: number, c = "0"): string => String(n).padStart(w, c);

/** ISO 8601 week-based year and week number. */
function isoWeek(p: DateParts): { year: number; week: number } {
  const mondayBased = (p.wday + 6) % 7;
  const thursday = new Date(Date.UTC(p.year, p.month - 1, p.day + 3 - mondayBased));
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return { year, week };
}

function zone(p: DateParts, utc: boolean): string {
  if (utc || p.offsetMin === 0) return "UTC";
  const sign = p.offsetMin < 0 ? "-" : "+";
  const m = Math.abs(p.offsetMin);
  return `GMT${sign}${pad(Math.floor(m / 60), 2)}:${pad(m % 60, 2)}`;
}

function conversion(c: string, p: DateParts, utc: boolean): string | null {
  const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  switch (c) {
    case "a": return DAYS[p.wday].slice(0, 3);
    case "A": return DAYS[p.wday];
    case "b": case "h": return MONTHS[p.month - 1].slice(0, 3);
    case "B": return MONTHS[p.month - 1];
    case "c": return `${DAYS[p.wday].slice(0, 3)} ${MONTHS[p.month - 1].slice(0, 3)} ${pad(p.day, 2, " ")} ${pad(p.hour, 2)}:${pad(p.min, 2)}:${pad(p.sec, 2)} ${p.year}`;
    case "C": return pad(Math.floor(p.year / 100), 2);
    case "d": return pad(p.day, 2);
    case "D": case "x": return `${pad(p.month, 2)}/${pad(p.day, 2)}/${pad(p.year % 100, 2)}`;
    case "e": return pad(p.day, 2, " ");
    case "F": return `${p.year}-${pad(p.month, 2)}-${pad(p.day, 2)}`;
    case "g": return pad(isoWeek(p).year % 100, 2);
    case "G": return String(isoWeek(p).year);
    case "H": return pad(p.hour, 2);
    case "I": return pad(h12, 2);
    case "j": return pad(p.yday, 3);
    case "m": return pad(p.month, 2);
    case "M": return pad(p.min, 2);
    case "n": return "\n";
    case "p": return p.hour < 12 ? "AM" : "PM";
    case "r": return `${pad(h12, 2)}:${pad(p.min, 2)}:${pad(p.sec, 2)} ${p.hour < 12 ? "AM" : "PM"}`;
    case "R": return `${pad(p.hour, 2)}:${pad(p.min, 2)}`;
    case "S": return pad(p.sec, 2);
    case "t": return "\t";
    case "T": case "X": return `${pad(p.hour, 2)}:${pad(p.min, 2)}:${pad(p.sec, 2)}`;
    case "u": return String(p.wday === 0 ? 7 : p.wday);
    case "U": return pad(Math.floor((p.yday - 1 + 7 - p.wday) / 7), 2);
    case "V": return pad(isoWeek(p).week, 2);
    case "w": return String(p.wday);
    case "W": return pad(Math.floor((p.yday - 1 + 7 - ((p.wday + 6) % 7)) / 7), 2);
    case "y": return pad(p.year % 100, 2);
    case "Y": return String(p.year);
    case "z": {
      const m = Math.abs(p.offsetMin);
      return `${p.offsetMin < 0 ? "-" : "+"}${pad(Math.floor(m / 60), 2)}${pad(m % 60, 2)}`;
    }
    case "Z": return zone(p, utc);
    case "%": return "%";
    default: return null;
  }
}

/** C strftime in the "C" locale. Returns the bad specifier instead when one is invalid. */
export function strftime(format: string, p: DateParts, utc: boolean): { text: string } | { bad: string } {
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== "%") {
      out += ch;
      continue;
    }
    let c = format[++i] ?? "";
    if ((c === "E" || c === "O") && i + 1 < format.length) c = format[++i];
    const piece = conversion(c, p, utc);
    if (piece === null) return { bad: `%${c}` };
    out += piece;
  }
  return { text: out };
}

function setInt(L: LuaState, name: string, v: number): void {
  lua.lua_pushinteger(L, v);
  lua.lua_setfield(L, -2, toLuaString(name));
}

function pushDateTable(L: LuaState, p: DateParts): void {
  lua.lua_createtable(L, 0, 9);
  setInt(L, "year", p.year);
  setInt(L, "month", p.month);
  setInt(L, "day", p.day);
  setInt(L, "hour", p.hour);
  setInt(L, "min", p.min);
  setInt(L, "sec", p.sec);
  setInt(L, "wday", p.wday + 1);
  setInt(L, "yday", p.yday);
  lua.lua_pushboolean(L, false);
  lua.lua_setfield(L, -2, toLuaString("isdst"));
}

function osDate(L: LuaState): number {
  let format = "%c";
  if (!lua.lua_isnoneornil(L, 1)) {
    lauxlib.luaL_checkstring(L, 1);
    format = readString(L, 1) ?? "%c";
  }
  const t: number = lua.lua_isnoneornil(L, 2) ? Date.now() / 1000 : lauxlib.luaL_checknumber(L, 2);
  if (!Number.isFinite(t) || Math.abs(t) > 8.64e12) return raise(L, "bad argument #2 to 'date' (time out-of-bounds)");
  const utc = format.startsWith("!");
  if (utc) format = format.slice(1);
  const p = dateParts(Math.floor(t), utc);
  if (format.startsWith("*t")) {
    pushDateTable(L, p);
    return 1;
  }
  const r = strftime(format, p, utc);
  if ("bad" in r) return raise(L, `bad argument #1 to 'date' (invalid conversion specifier '${r.bad}')`);
  pushString(L, r.text);
  return 1;
}

function dateField(L: LuaState, key: string, fallback: number | null): number {
  const t: number = lua.lua_getfield(L, 1, toLuaString(key));
  const v: number | false = lua.lua_tointegerx(L, -1);
  lua.lua_pop(L, 1);
  if (v !== false) return v;
  if (t !== T.NIL) return raise(L, `field '${key}' is not an integer`);
  if (fallback === null) return raise(L, `field '${key}' missing in date table`);
  return fallback;
}

function osTime(L: LuaState): number {
  if (lua.lua_isnoneornil(L, 1)) {
    lua.lua_pushnumber(L, Math.floor(Date.now() / 1000));
    return 1;
  }
  lauxlib.luaL_checktype(L, 1, T.TABLE);
  const d = new Date(2000, 0, 1, 0, 0, 0, 0);
  d.setFullYear(dateField(L, "year", null), dateField(L, "month", null) - 1, dateField(L, "day", null));
  d.setHours(dateField(L, "hour", 12), dateField(L, "min", 0), dateField(L, "sec", 0), 0);
  const ms = d.getTime();
  if (Number.isNaN(ms)) return raise(L, "time result cannot be represented in this installation");
  lua.lua_pushnumber(L, Math.floor(ms / 1000));
  return 1;
}

/** Creates the global `os` table (clock, difftime, date, time). `startedAt` is performance.now() at VM start. */
export function openOs(L: LuaState, startedAt: number): void {
  lua.lua_createtable(L, 0, 4);
  setFunction(L, "clock", (S) => {
    lua.lua_pushnumber(S, (performance.now() - startedAt) / 1000);
    return 1;
  });
  setFunction(L, "difftime", (S) => {
    lua.lua_pushnumber(S, lauxlib.luaL_checknumber(S, 1) - lauxlib.luaL_optnumber(S, 2, 0));
    return 1;
  });
  setFunction(L, "date", osDate);
  setFunction(L, "time", osTime);
  lua.lua_setglobal(L, toLuaString("os"));
}
