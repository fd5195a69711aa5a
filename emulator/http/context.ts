import type { IncomingHttpHeaders } from "node:http";
import type { Session } from "../model";
import type { Store } from "../store";
import type { FaultController } from "../faults";
import type { EmProfile } from "../versions";
import type { Element } from "../wire/tree";
import { BodyError, MissingJsonPropertyError, decodeJson, decodeXml, type BodySpec, type Decoded } from "../wire/schema";

export type WireFormat = "xml" | "json";

/** An error answered to the client with EM's Error body. */
export class EmError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** EM fills FirstChanceExceptionMessage when an exception inside EM caused the error (its 500 answers). */
    readonly firstChanceExceptionMessage: string | null = null,
    /** What the emulator's request log adds, when EM's own message says little. */
    readonly logNote?: string,
  ) {
    super(message);
  }
}

/** EM's message when its code meets a value the body lacked (seen from real EM on bodies missing an element). */
export const NULL_REFERENCE = "Object reference not set to an instance of an object.";

export interface Reply {
  status: number;
  body?: Element;
  headers?: Record<string, string>;
  /** Added to the emulator's request log line, never sent. */
  logNote?: string;
}

export interface RequestContext {
  method: string;
  /** The path below /api, without a trailing slash ("" for the entry point). */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The query string exactly as the client sent it, without the leading '?'. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: string;
  requestFormat: WireFormat;
  responseFormat: WireFormat;
  /** Absolute URL of the API root as the client reached it, without a trailing slash, e.g. https://host:9398/api. */
  apiUrl: string;
  session?: Session;
  store: Store;
  faults: FaultController;
  /** The EM version the emulator plays. */
  profile: EmProfile;
}

/** Decodes the request body by the given schema, in the format the client declared in Content-Type. */
export function decodeBody(ctx: RequestContext, spec: BodySpec): Decoded {
  if (ctx.body.trim() === "") throw new EmError(400, `The request body is empty; a ${spec.root} is required`);
  try {
    return ctx.requestFormat === "json" ? decodeJson(ctx.body, spec) : decodeXml(ctx.body, spec);
  } catch (err) {
    if (err instanceof MissingJsonPropertyError) throw new EmError(500, NULL_REFERENCE, NULL_REFERENCE, err.message);
    if (err instanceof BodyError) throw new EmError(400, err.message);
    throw err;
  }
}

export function requireSession(ctx: RequestContext): Session {
  if (!ctx.session) throw new EmError(401, "Unauthorized");
  return ctx.session;
}

/** `?format=Entity` asks for the entity instead of the reference. */
export function wantsEntity(ctx: RequestContext): boolean {
  return (ctx.query.get("format") ?? "").toLowerCase() === "entity";
}
