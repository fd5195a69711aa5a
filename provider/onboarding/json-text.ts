/**
 * What JSON.parse passes over in a data file: a key given twice in one object (JSON.parse keeps the last, so the
 * first would be silently dropped) and a number beyond 2^53 (JSON.parse rounds it, so 9007199254740993 would be
 * read as …992). One pass over text that JSON.parse has accepted, each problem with its place in the file.
 */

export interface TextProblem {
  /** Place in the file, e.g. tenants[0].subtenants[1].quotaMb. */
  at: string;
  message: string;
}

/** Nesting a data file never needs; the pass recurses, so it stops here rather than at the stack's end. */
const MAX_DEPTH = 64;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

const child = (at: string, key: string) => (at === "" ? key : `${at}.${key}`);

class Pass {
  private i = 0;
  readonly problems: TextProblem[] = [];
  constructor(private readonly text: string) {}

  private spaces(): void {
    for (let c = this.text[this.i]; c === " " || c === "\n" || c === "\r" || c === "\t"; c = this.text[++this.i]);
  }

  /** The string at i (its opening quote), decoded; i moves past it. */
  private string(): string {
    const start = this.i;
    for (this.i++; this.text[this.i] !== '"'; this.i++) if (this.text[this.i] === "\\") this.i++;
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  value(at: string, depth: number): void {
    if (depth > MAX_DEPTH) throw new TooDeep(at);
    this.spaces();
    const c = this.text[this.i];
    if (c === "{") {
      this.i++;
      const keys = new Set<string>();
      this.spaces();
      if (this.text[this.i] === "}") return void this.i++;
      for (;;) {
        this.spaces();
        const key = this.string();
        if (keys.has(key)) this.problems.push({ at: child(at, key), message: `is given twice in one object; JSON keeps only the last, so remove one of them` });
        keys.add(key);
        this.spaces();
        this.i++; // ':'
        this.value(child(at, key), depth + 1);
        this.spaces();
        if (this.text[this.i++] === "}") return;
      }
    }
    if (c === "[") {
      this.i++;
      this.spaces();
      if (this.text[this.i] === "]") return void this.i++;
      for (let n = 0; ; n++) {
        this.value(`${at}[${n}]`, depth + 1);
        this.spaces();
        if (this.text[this.i++] === "]") return;
      }
    }
    if (c === '"') return void this.string();
    NUMBER.lastIndex = this.i;
    const number = NUMBER.exec(this.text);
    if (number) {
      this.i += number[0].length;
      if (!(Math.abs(Number(number[0])) <= Number.MAX_SAFE_INTEGER)) {
        this.problems.push({ at, message: `the number ${number[0].length > 40 ? `${number[0].slice(0, 40)}…` : number[0]} is past 2^53 - 1 (${Number.MAX_SAFE_INTEGER}), beyond which JSON numbers are not read exactly` });
      }
      return;
    }
    this.i += c === "n" || c === "t" ? 4 : 5; // null, true, false
  }
}

/** Nesting past MAX_DEPTH, reported as a problem rather than as the stack's RangeError. */
class TooDeep extends Error {
  constructor(readonly at: string) {
    super(at);
  }
}

/** The problems of JSON text that JSON.parse has accepted. */
export function jsonTextProblems(text: string): TextProblem[] {
  const pass = new Pass(text);
  try {
    pass.value("", 0);
  } catch (err) {
    if (!(err instanceof TooDeep)) throw err;
    return [{ at: err.at, message: `is nested deeper than ${MAX_DEPTH} levels, far past what the data file's format has` }];
  }
  return pass.problems;
}
