/**
 * A format-neutral request body: an element tree in EM's XSD order. The XML writer renders it element for
 * element; the JSON writer renders it the way EM's JSON examples show (attributes as plain properties after the
 * child elements, repeated elements as an array under a plural key).
 */
export type Scalar = string | number | boolean;

export interface Element {
  name: string;
  /** XML attributes (JSON properties). */
  attrs?: Record<string, Scalar | undefined>;
  /** Text content; "" gives an empty element. */
  text?: Scalar;
  children?: Element[];
  /** JSON order of the attributes when it differs from the XML order (EM's examples differ for CloudSubtenant). */
  jsonAttrOrder?: string[];
  /** Children are a repeated list; in JSON they become an array under this key. */
  jsonList?: string;
}

export const EM_NAMESPACE = "http://www.veeam.com/ent/v1.0";
export const XSD_NAMESPACE = "http://www.w3.org/2001/XMLSchema";
export const XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance";

/** A child element with text, or nothing when the value is undefined. */
export function leaf(name: string, value: Scalar | undefined): Element[] {
  return value === undefined ? [] : [{ name, text: value }];
}
