// Unit tests of the transport's pure helpers: client IP extraction, header names, targets,
// Accept-Encoding choice, body collection and decoding, close-code hygiene.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync, gzipSync } from "node:zlib";
import { BodyCollector, DISCARD_CAP_BYTES, decodeBody } from "./body.js";
import { canonicalHeaderName, clientAddress, normalizeAddress, splitTarget } from "./request.js";
import { chooseEncoding } from "./response.js";
import { truncateReason, validCloseCode } from "./ws-conn.js";

describe("transport helpers", () => {
  it("extracts the client address with proxy_count", () => {
    assert.equal(clientAddress(undefined, "::ffff:10.0.0.1", 1), "10.0.0.1");
    assert.equal(clientAddress("1.1.1.1, 2.2.2.2", "10.0.0.1", 1), "2.2.2.2");
    assert.equal(clientAddress("1.1.1.1, 2.2.2.2", "10.0.0.1", 2), "1.1.1.1");
    assert.equal(clientAddress("1.1.1.1", "10.0.0.1", 3), "1.1.1.1", "a short list yields its leftmost entry");
    assert.equal(clientAddress("1.1.1.1", "10.0.0.1", 0), "10.0.0.1", "proxy_count 0 ignores the header");
    assert.equal(clientAddress("[2001:db8::1]:443", "10.0.0.1", 1), "2001:db8::1");
    assert.equal(clientAddress("2001:db8::2", "10.0.0.1", 1), "2001:db8::2");
    assert.equal(clientAddress(" , ", "10.0.0.1", 1), "10.0.0.1");
    assert.equal(normalizeAddress("0000:0000:0000:0000:0000:ffff:7f00:0001"), "127.0.0.1");
  });

  it("writes header names as Go canonicalizes them", () => {
    assert.equal(canonicalHeaderName("www-authenticate"), "Www-Authenticate");
    assert.equal(canonicalHeaderName("CONTENT-type"), "Content-Type");
    assert.equal(canonicalHeaderName("x-a"), "X-A");
  });

  it("splits request targets", () => {
    assert.deepEqual(splitTarget("/a/b?x=1&y"), { path: "/a/b", rawQuery: "x=1&y" });
    assert.deepEqual(splitTarget("/"), { path: "/", rawQuery: "" });
    assert.deepEqual(splitTarget("http://h:1/p?q"), { path: "/p", rawQuery: "q" });
  });

  it("chooses the first acceptable of gzip and deflate", () => {
    assert.equal(chooseEncoding("gzip, deflate, br"), "gzip");
    assert.equal(chooseEncoding("br, deflate;q=0.5, gzip"), "deflate");
    assert.equal(chooseEncoding("gzip;q=0, deflate"), "deflate");
    assert.equal(chooseEncoding("br, identity"), null);
    assert.equal(chooseEncoding(undefined), null);
  });

  it("collects bodies up to the limit and stops after the discard cap", () => {
    const c = new BodyCollector(10);
    assert.equal(c.push(Buffer.from("12345")), "more");
    assert.equal(c.push(Buffer.from("67890")), "more");
    assert.equal(c.overflowed, false);
    assert.equal(c.body().toString(), "1234567890");
    assert.equal(c.push(Buffer.from("x")), "more");
    assert.equal(c.overflowed, true);
    assert.equal(c.push(DISCARD_CAP_BYTES), "stop");
    assert.equal(BodyCollector.rejectUpfront(String(10 + DISCARD_CAP_BYTES + 1), 10), true);
    assert.equal(BodyCollector.rejectUpfront(String(10 + DISCARD_CAP_BYTES), 10), false);
    assert.equal(BodyCollector.rejectUpfront(undefined, 10), false);
  });

  it("decodes gzip and deflate bodies within the limit", () => {
    const text = "a".repeat(100);
    assert.deepEqual(decodeBody(gzipSync(text), "gzip", 100), { ok: true, body: Buffer.from(text) });
    assert.deepEqual(decodeBody(deflateRawSync(text), "deflate", 100), { ok: true, body: Buffer.from(text) });
    assert.deepEqual(decodeBody(gzipSync(text), "gzip", 99), { ok: false, tooLarge: true, message: "" });
    const truncated = gzipSync(text).subarray(0, 12);
    assert.deepEqual(decodeBody(truncated, "gzip", 100), { ok: false, tooLarge: false, message: "unexpected EOF" });
    const plain = Buffer.from("{}");
    assert.equal(decodeBody(plain, "br", 100).ok, true);
  });

  it("keeps close codes and reasons valid", () => {
    assert.equal(validCloseCode(1000), true);
    assert.equal(validCloseCode(4999), true);
    assert.equal(validCloseCode(1005), false);
    assert.equal(validCloseCode(1006), false);
    assert.equal(validCloseCode(2000), false);
    const long = "é".repeat(100);
    const cut = truncateReason(long);
    assert.ok(Buffer.byteLength(cut) <= 123);
    assert.equal(cut, "é".repeat(61));
  });
});
