import { connect } from "node:net";
const port = Number(process.argv[2]); const seconds = Number(process.argv[3] ?? 3); const conns = 32;
const res = await fetch(`http://127.0.0.1:${port}/v2/account/authenticate/device?create=true`, { method: "POST", headers: { authorization: `Basic ${Buffer.from("defaultkey:").toString("base64")}` }, body: JSON.stringify({ id: "loaddevice-" + Date.now() }) });
const token = ((await res.json()) as any).token;
const body = JSON.stringify("x".repeat(64));
const path = process.argv[4] ?? "/v2/rpc/echo";
const req = Buffer.from(`POST ${path} HTTP/1.1\r\nHost: b\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
let n = 0; const end = Date.now() + seconds * 1000;
await Promise.all(Array.from({ length: conns }, () => new Promise<void>((resolve) => {
  const s = connect(port, "127.0.0.1", () => s.write(req)); s.setNoDelay(true);
  let buf = Buffer.alloc(0);
  s.on("data", (d) => { buf = Buffer.concat([buf, d]); for (;;) { const h = buf.indexOf("\r\n\r\n"); if (h < 0) return; const len = Number(/content-length: *(\d+)/i.exec(buf.subarray(0, h).toString())?.[1] ?? 0); if (buf.length < h + 4 + len) return; buf = buf.subarray(h + 4 + len); n++; if (Date.now() > end) { s.end(); resolve(); return; } s.write(req); } });
})));
console.log("req/s", Math.round(n / seconds));
