import { connect } from "node:net";
const port = Number(process.argv[2]); const seconds = 3; const conns = 32;
const req = Buffer.from(process.argv[3] === "post" ? `POST /healthcheck HTTP/1.1\r\nHost: b\r\nContent-Length: 2\r\n\r\n{}` : `GET /healthcheck HTTP/1.1\r\nHost: b\r\n\r\n`);
let n = 0; const end = Date.now() + seconds * 1000;
await Promise.all(Array.from({ length: conns }, () => new Promise<void>((resolve) => {
  const s = connect(port, "127.0.0.1", () => s.write(req)); s.setNoDelay(true);
  let buf = Buffer.alloc(0);
  s.on("data", (d) => { buf = Buffer.concat([buf, d]); for (;;) { const h = buf.indexOf("\r\n\r\n"); if (h < 0) return; const len = Number(/content-length: *(\d+)/i.exec(buf.subarray(0, h).toString())?.[1] ?? 0); if (buf.length < h + 4 + len) return; buf = buf.subarray(h + 4 + len); n++; if (Date.now() > end) { s.end(); resolve(); return; } s.write(req); } });
})));
console.log("req/s", Math.round(n / seconds));
