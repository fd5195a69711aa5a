/**
 * A typed client for the SDK's dynamic-provider plugin: the gRPC ResourceProvider service, one promise per RPC,
 * every call with a deadline. Property bags are plain JSON objects; secrets must be unwrapped before they are
 * sent (the plugin does not accept secrets).
 */
import { createRequire } from "node:module";
import type * as grpcTypes from "@grpc/grpc-js";
import type { ResourceProviderClient as ClientType } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { spawnPluginProcess, type PluginProcess, type PluginProcessOptions } from "./plugin-process";

type Props = Record<string, unknown>;

// The client class and grpc-js must be the very copies the SDK's generated code uses.
const grpcPbPath = require.resolve("@pulumi/pulumi/proto/provider_grpc_pb");
export const grpc = createRequire(grpcPbPath)("@grpc/grpc-js") as typeof grpcTypes;
export const { ResourceProviderClient } = require(grpcPbPath) as { ResourceProviderClient: typeof ClientType };

export type DiffChanges = "unknown" | "none" | "some";

export interface CheckReply {
  inputs: Props;
  failures: Array<{ property: string; reason: string }>;
}
export interface DiffReply {
  changes: DiffChanges;
  replaces: string[];
  stables: string[];
  deleteBeforeReplace: boolean;
}
export interface CreateReply {
  id: string;
  properties: Props;
}
export interface ReadReply {
  id: string;
  properties: Props;
  inputs?: Props;
}

/**
 * What the SDK's plugin sends when a create or update threw an error carrying `id` and `properties`: the object
 * exists but did not finish (ErrorResourceInitFailed, packed into the `grpc-status-details-bin` trailer).
 */
export interface InitFailure {
  id: string;
  properties: Props;
  reasons: string[];
}

/** A failed RPC: the gRPC status code, the message the provider threw and, for a partial failure, what was made. */
export class PluginCallError extends Error {
  constructor(
    readonly rpc: string,
    readonly code: number,
    message: string,
    readonly initFailure?: InitFailure,
  ) {
    super(message);
    this.name = "PluginCallError";
  }
}

/** The ErrorResourceInitFailed detail of a failed call, if the plugin sent one. */
export function initFailureOf(err: grpcTypes.ServiceError): InitFailure | undefined {
  const raw = err.metadata?.get("grpc-status-details-bin")[0];
  if (raw === undefined) return undefined;
  const status = statusproto.Status.deserializeBinary(typeof raw === "string" ? Buffer.from(raw, "base64") : new Uint8Array(raw));
  for (const detail of status.getDetailsList()) {
    if (!detail.getTypeUrl().endsWith("pulumirpc.ErrorResourceInitFailed")) continue;
    const failed = provproto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
    return { id: failed.getId(), properties: fromStruct(failed.getProperties()), reasons: failed.getReasonsList() };
  }
  return undefined;
}

export interface CallTiming {
  rpc: string;
  ms: number;
}

export interface PluginOptions extends PluginProcessOptions {
  /** Deadline of each RPC. Default 60 s. */
  callTimeoutMs?: number;
}

const CHANGES: Record<number, DiffChanges> = {
  [provproto.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown",
  [provproto.DiffResponse.DiffChanges.DIFF_NONE]: "none",
  [provproto.DiffResponse.DiffChanges.DIFF_SOME]: "some",
};

export const toStruct = (props: Props) => Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]);
export const fromStruct = (s: Struct | undefined): Props => (s ? (s.toJavaScript() as Props) : {});

export class DynamicProviderPlugin {
  /** Duration of every call so far, in order. */
  readonly timings: CallTiming[] = [];

  private constructor(
    readonly process: PluginProcess,
    private readonly client: ClientType,
    private readonly callTimeoutMs: number,
  ) {}

  static async start(options: PluginOptions): Promise<DynamicProviderPlugin> {
    const proc = await spawnPluginProcess(options);
    const client = new ResourceProviderClient(`127.0.0.1:${proc.port}`, grpc.credentials.createInsecure());
    return new DynamicProviderPlugin(proc, client, options.callTimeoutMs ?? 60_000);
  }

  /** Everything the plugin printed after its port line. */
  output(): string {
    return this.process.output();
  }

  private call<Req, Res>(rpc: string, request: Req): Promise<Res> {
    const started = performance.now();
    const method = (this.client as unknown as Record<string, Function>)[rpc].bind(this.client);
    return new Promise<Res>((resolve, reject) => {
      method(request, new grpc.Metadata(), { deadline: Date.now() + this.callTimeoutMs }, (err: grpcTypes.ServiceError | null, response: Res) => {
        this.timings.push({ rpc, ms: performance.now() - started });
        if (err) reject(new PluginCallError(rpc, err.code, err.details || err.message, initFailureOf(err)));
        else resolve(response);
      });
    });
  }

  /** Configure with the stack config (values may be secret-wrapped: the plugin unwraps them). */
  async configure(args: Props): Promise<{ acceptSecrets: boolean; supportsPreview: boolean }> {
    const req = new provproto.ConfigureRequest();
    req.setArgs(toStruct(args));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    const res = await this.call<provproto.ConfigureRequest, provproto.ConfigureResponse>("configure", req);
    return { acceptSecrets: res.getAcceptsecrets(), supportsPreview: res.getSupportspreview() };
  }

  async check(urn: string, olds: Props, news: Props): Promise<CheckReply> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const res = await this.call<provproto.CheckRequest, provproto.CheckResponse>("check", req);
    return { inputs: fromStruct(res.getInputs()), failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
  }

  async diff(id: string, urn: string, olds: Props, news: Props, oldInputs?: Props): Promise<DiffReply> {
    const req = new provproto.DiffRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    if (oldInputs) req.setOldInputs(toStruct(oldInputs));
    const res = await this.call<provproto.DiffRequest, provproto.DiffResponse>("diff", req);
    return {
      changes: CHANGES[res.getChanges()] ?? "unknown",
      replaces: res.getReplacesList(),
      stables: res.getStablesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  async create(urn: string, properties: Props): Promise<CreateReply> {
    const req = new provproto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(toStruct(properties));
    const res = await this.call<provproto.CreateRequest, provproto.CreateResponse>("create", req);
    return { id: res.getId(), properties: fromStruct(res.getProperties()) };
  }

  async read(id: string, urn: string, properties: Props, inputs: Props): Promise<ReadReply> {
    const req = new provproto.ReadRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setProperties(toStruct(properties));
    req.setInputs(toStruct(inputs));
    const res = await this.call<provproto.ReadRequest, provproto.ReadResponse>("read", req);
    return { id: res.getId(), properties: fromStruct(res.getProperties()), inputs: res.hasInputs() ? fromStruct(res.getInputs()) : undefined };
  }

  async update(id: string, urn: string, olds: Props, news: Props, oldInputs?: Props): Promise<{ properties: Props }> {
    const req = new provproto.UpdateRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    if (oldInputs) req.setOldInputs(toStruct(oldInputs));
    const res = await this.call<provproto.UpdateRequest, provproto.UpdateResponse>("update", req);
    return { properties: fromStruct(res.getProperties()) };
  }

  async delete(id: string, urn: string, properties: Props, oldInputs?: Props): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setProperties(toStruct(properties));
    if (oldInputs) req.setOldInputs(toStruct(oldInputs));
    await this.call("delete", req);
  }

  /** Closes the channel and ends the process (SIGTERM, then SIGKILL), each step bounded. */
  async stop(): Promise<void> {
    this.client.close();
    await this.process.stop();
  }
}
