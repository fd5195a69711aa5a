/**
 * How much of an answer the readers take, whatever sends it. EM's documents are a handful of levels deep, carry
 * at most about ten attributes per element, and an answer of MAX_ANSWER_BYTES of subtenant entities holds about
 * 100,000 elements (docs/xml-reader.md). Past these bounds an answer is not EM's: it is refused with the limit
 * named, before it can cost the plugin seconds of CPU or hundreds of MB, or overflow the stack of a reader that
 * recurses.
 */
export const ANSWER_LIMITS = {
  /** Elements (XML) or nested arrays and objects (JSON) within one another. */
  depth: 64,
  /** Attributes of one XML element, namespace declarations included. */
  attributes: 256,
  /** XML elements, or JSON values, in one answer. */
  elements: 500_000,
} as const;

/** An answer beyond ANSWER_LIMITS: it is refused, whatever it holds. */
export class AnswerLimitError extends Error {
  override readonly name = "AnswerLimitError";
}
