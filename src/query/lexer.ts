// Owns the tokenizer of the Bleve/Bluge query-string syntax that Nakama uses for matchmaker queries and
// match-label listing. It follows Bleve's lexer state by state: strings end on an unescaped space, `:`,
// `^` or `~`; a token that starts with a digit stays a NUMBER while it reads digits and at most one dot
// (ending on space, `:`, `^`, `~`), and turns into a STRING on anything else; `\x` escapes any reserved
// character (`\` is kept before other characters); `^` and `~` read up to the next space ("1" if empty).
import { Code, GameError } from "../errors.js";

export const Tok = {
  STRING: "string",
  PHRASE: "phrase",
  NUMBER: "number",
  PLUS: "+",
  MINUS: "-",
  COLON: ":",
  GREATER: ">",
  LESS: "<",
  EQUAL: "=",
  BOOST: "^",
  TILDE: "~",
} as const;
export type Tok = (typeof Tok)[keyof typeof Tok];

export interface Token {
  type: Tok;
  /** Text of STRING, PHRASE, NUMBER, BOOST and TILDE tokens ("" for operators). */
  text: string;
  /** Offset of the token's first character in the query. */
  pos: number;
}

const RESERVED = "+-=&|><!(){}[]^\"~*?:\\/ ";
const OPS: Record<string, Tok> = { "+": Tok.PLUS, "-": Tok.MINUS, ":": Tok.COLON, ">": Tok.GREATER, "<": Tok.LESS, "=": Tok.EQUAL };

/** Raises INVALID_ARGUMENT with the query's position in the message. */
export function queryError(detail: string, pos?: number): GameError {
  return new GameError(Code.INVALID_ARGUMENT, pos === undefined ? `invalid query: ${detail}` : `invalid query: ${detail} at position ${pos}`);
}

/** Bleve keeps the backslash before characters that need no escaping. */
function unescape(ch: string): string {
  return RESERVED.includes(ch) ? ch : `\\${ch}`;
}

const isSpace = (ch: string): boolean => ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\f" || ch === "\v";
const isDigit = (ch: string): boolean => ch >= "0" && ch <= "9";

/** Scanner state over one query string; `i` is the next character to read. */
class Scanner {
  i = 0;
  readonly out: Token[] = [];
  constructor(readonly src: string) {}

  run(): Token[] {
    while (this.i < this.src.length) {
      const ch = this.src[this.i];
      const start = this.i;
      if (isSpace(ch)) this.i++;
      else if (ch === '"') this.phrase(start);
      else if (OPS[ch] !== undefined) {
        this.i++;
        this.out.push({ type: OPS[ch], text: "", pos: start });
      } else if (ch === "^" || ch === "~") {
        this.i++;
        const text = this.readUntilSpace();
        this.out.push({ type: ch === "^" ? Tok.BOOST : Tok.TILDE, text: text === "" ? "1" : text, pos: start });
      } else if (ch === "\\") {
        this.i++;
        if (this.i >= this.src.length) break; // a trailing lone backslash is dropped, as Bleve does
        const first = unescape(this.src[this.i++]);
        this.string(start, first);
      } else if (isDigit(ch)) this.numberOrString(start);
      else {
        this.i++;
        this.string(start, ch);
      }
    }
    return this.out;
  }

  private phrase(start: number): void {
    let buf = "";
    this.i++;
    for (;;) {
      if (this.i >= this.src.length) throw queryError("unterminated quote", start);
      const ch = this.src[this.i++];
      if (ch === '"') break;
      if (ch === "\\" && this.i < this.src.length) buf += unescape(this.src[this.i++]);
      else buf += ch;
    }
    this.out.push({ type: Tok.PHRASE, text: buf, pos: start });
  }

  /** Boost and fuzziness values: up to an unescaped space or the end. */
  private readUntilSpace(): string {
    let buf = "";
    while (this.i < this.src.length) {
      const ch = this.src[this.i];
      if (isSpace(ch)) break;
      this.i++;
      if (ch === "\\" && this.i < this.src.length) buf += unescape(this.src[this.i++]);
      else buf += ch;
    }
    return buf;
  }

  /** Continues a STRING whose first characters are `buf`. */
  private string(start: number, buf: string): void {
    while (this.i < this.src.length) {
      const ch = this.src[this.i];
      if (isSpace(ch) || ch === ":" || ch === "^" || ch === "~") break;
      this.i++;
      if (ch === "\\" && this.i < this.src.length) buf += unescape(this.src[this.i++]);
      else buf += ch;
    }
    this.out.push({ type: Tok.STRING, text: buf, pos: start });
  }

  private numberOrString(start: number): void {
    let buf = "";
    let seenDot = false;
    while (this.i < this.src.length) {
      const ch = this.src[this.i];
      if (isSpace(ch) || ch === ":" || ch === "^" || ch === "~") break;
      if (isDigit(ch) || (ch === "." && !seenDot)) {
        if (ch === ".") seenDot = true;
        buf += ch;
        this.i++;
        continue;
      }
      // Anything else (an escape included) means this was a string all along.
      this.i++;
      if (ch === "\\" && this.i < this.src.length) buf += unescape(this.src[this.i++]);
      else buf += ch;
      return this.string(start, buf);
    }
    this.out.push({ type: Tok.NUMBER, text: buf, pos: start });
  }
}

/** Splits a query string into tokens; throws INVALID_ARGUMENT on an unterminated phrase. */
export function tokenize(src: string): Token[] {
  return new Scanner(src).run();
}
