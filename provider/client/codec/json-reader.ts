/**
 * Reads a JSON answer with JSON.parse, after one pass over the text that bounds what JSON.parse would build:
 * nesting (ANSWER_LIMITS.depth) and values (ANSWER_LIMITS.elements). JSON.parse itself takes any depth, but the
 * readers of a parsed body recurse, and a body nested a million deep would end there in a RangeError.
 */
import { ANSWER_LIMITS, AnswerLimitError } from "./limits";

/** What the pass counted, for tests and the bench. */
export interface JsonWork {
  deepest: number;
  values: number;
}

/** Throws AnswerLimitError when the JSON text nests deeper or holds more values than ANSWER_LIMITS allows. */
export function checkJsonBounds(text: string, work?: JsonWork): void {
  let depth = 0;
  let deepest = 0;
  // Values: the first, and one more for each ',' outside strings; an empty [] or {} counts as the one value it is.
  let values = 1;
  const fail = (what: string, max: number): never => {
    throw new AnswerLimitError(`the JSON answer has ${what} than ${max}, the most this client reads; EM's answers stay far below it`);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // To the closing quote: a backslash escapes the character after it.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 92) i++;
        else if (s === 34) break;
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > ANSWER_LIMITS.depth) fail("arrays and objects nested deeper", ANSWER_LIMITS.depth);
      if (depth > deepest) deepest = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    } else if (c === 44 /* , */) {
      if (++values > ANSWER_LIMITS.elements) fail("more values", ANSWER_LIMITS.elements);
    }
  }
  if (work) Object.assign(work, { deepest, values });
}

/** Parses a JSON answer within ANSWER_LIMITS; throws Error with a short reason when it is not JSON. */
export function parseJsonAnswer(text: string): unknown {
  checkJsonBounds(text);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`malformed JSON (${(err as Error).message})`);
  }
}
