// Tests UUID parsing against the spellings gofrs/uuid accepts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseUuid, newUuid } from "./uuid.js";

const canon = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

test("accepted spellings give the canonical lower-case form", () => {
  for (const s of [canon, canon.toUpperCase(), `{${canon}}`, `urn:uuid:${canon}`, canon.replace(/-/g, ""), `{${canon.replace(/-/g, "")}}`]) {
    assert.equal(parseUuid(s), canon, s);
  }
});

test("everything else is refused", () => {
  for (const s of ["", "abc", canon.slice(1), `${canon}0`, canon.replace("-", "x"), `(${canon})`, canon.replace("a", "g"), `urn:uuix:${canon}`]) {
    assert.equal(parseUuid(s), null, s);
  }
});

test("new ids parse", () => {
  const id = newUuid();
  assert.equal(parseUuid(id), id);
});
