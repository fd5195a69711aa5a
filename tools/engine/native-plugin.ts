/**
 * A client for the `veeam-em` provider plugin (pulumi-resource-veeam-em) as the engine drives a real provider:
 * started the same way (its address as argument, the port on the first stdout line), Configure with the provider
 * config, and every RPC with secrets marked on the wire (the plugin accepts secrets). Property bags go out and
 * come back with the SDK's secret markers intact.
 */
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import type { ResourceProviderClient as ClientType } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { spawnPluginProcess, type PluginProcess } from "./plugin-process";
import { grpc, initFailureOf, PluginCallError, ResourceProviderClient, type DiffChanges } from "./plugin";

type Props = Record<string, unknown>;

/** The built plugin's entry point in this repository. */
export const NATIVE_ENTRY_POINT = path.resolve(__dirname, "..", "..", "provider", "plugin", "main.js");

// The SDK leaves undefined values out of what it sends.
const toStruct = (props: Props) => Struct.fromJavaScript(JSON.parse(JSON.stringify(props)) as Parameters<typeof Struct.fromJavaScript>[0]);
const fromStruct = (s: Struct | undefined): Props => (s ? (s.toJavaScript() as Props) : {});

const KIND = Object.fromEntries(Object.entries(provproto.PropertyDiff.Kind).map(([k, v]) => [v, k])) as Record<number, string>;
const CHANGES: Record<number, DiffChanges> = { 0: "unknown", 1: "none", 2: "some" };

export interface NativeDiffReply {
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
  hasDetailedDiff: boolean;
  /** Property → ADD, UPDATE, UPDATE_REPLACE, ... */
  detailedDiff: Record<string, string>;
}

export interface NativePluginOptions {
  cwd: string;
  /** Extra environment; the parent's VEEAM_EM_* and PULUMI_* variables are never passed on. */
  env?: NodeJS.ProcessEnv;
  callTimeoutMs?: number;
}

export interface ConstructCall {
  project: string;
  stack: string;
  /** The resource monitor's address (host:port). */
  monitor: string;
  type: string;
  name: string;
  parent?: string;
  inputs: Props;
  /** Stack config, namespaced keys (`project:key`), secrets decrypted, as the engine passes it. */
  config?: Record<string, string>;
  secretConfigKeys?: string[];
  /** Package → provider reference (`<urn>::<id>`). */
  providers?: Record<string, string>;
  dryRun?: boolean;
}

export class NativePlugin {
  private constructor(
    readonly process: PluginProcess,
    private readonly client: ClientType,
    private readonly callTimeoutMs: number,
  ) {}

  static async start(options: NativePluginOptions): Promise<NativePlugin> {
    const proc = await spawnPluginProcess({ cwd: options.cwd, project: "native-test", config: {}, env: options.env, entryPoint: NATIVE_ENTRY_POINT });
    const client = new ResourceProviderClient(`127.0.0.1:${proc.port}`, grpc.credentials.createInsecure());
    return new NativePlugin(proc, client, options.callTimeoutMs ?? 30_000);
  }

  output(): string {
    return this.process.output();
  }

  private call<Req, Res>(rpc: string, request: Req): Promise<Res> {
    const method = (this.client as unknown as Record<string, Function>)[rpc].bind(this.client);
    return new Promise<Res>((resolve, reject) => {
      method(request, new grpc.Metadata(), { deadline: Date.now() + this.callTimeoutMs }, (err: grpcTypes.ServiceError | null, response: Res) => {
        if (err) reject(new PluginCallError(rpc, err.code, err.details || err.message, initFailureOf(err)));
        else resolve(response);
      });
    });
  }

  async getPluginInfo(): Promise<string> {
    const res = await this.call<Empty, { getVersion(): string }>("getPluginInfo", new Empty());
    return res.getVersion();
  }

  async getSchema(): Promise<string> {
    const res = await this.call<provproto.GetSchemaRequest, provproto.GetSchemaResponse>("getSchema", new provproto.GetSchemaRequest());
    return res.getSchema();
  }

  async checkConfig(news: Props): Promise<{ inputs: Props; failures: Array<{ property: string; reason: string }> }> {
    const req = new provproto.CheckRequest().setUrn("urn:pulumi:test::native-test::pulumi:providers:veeam-em::default").setNews(toStruct(news)).setOlds(toStruct({}));
    const res = await this.call<provproto.CheckRequest, provproto.CheckResponse>("checkConfig", req);
    return { inputs: fromStruct(res.getInputs()), failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
  }

  async diffConfig(oldInputs: Props, news: Props): Promise<NativeDiffReply> {
    const req = new provproto.DiffRequest().setUrn("urn:pulumi:test::native-test::pulumi:providers:veeam-em::default").setOldInputs(toStruct(oldInputs)).setOlds(toStruct(oldInputs)).setNews(toStruct(news));
    return diffReply(await this.call<provproto.DiffRequest, provproto.DiffResponse>("diffConfig", req));
  }

  async configure(args: Props): Promise<{ acceptSecrets: boolean; supportsPreview: boolean }> {
    const req = new provproto.ConfigureRequest().setArgs(toStruct(args)).setAcceptsecrets(true).setAcceptresources(true);
    const res = await this.call<provproto.ConfigureRequest, provproto.ConfigureResponse>("configure", req);
    return { acceptSecrets: res.getAcceptsecrets(), supportsPreview: res.getSupportspreview() };
  }

  async check(urn: string, olds: Props, news: Props) {
    const req = new provproto.CheckRequest().setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news));
    const res = await this.call<provproto.CheckRequest, provproto.CheckResponse>("check", req);
    return { inputs: fromStruct(res.getInputs()), failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
  }

  async diff(id: string, urn: string, olds: Props, news: Props, oldInputs: Props): Promise<NativeDiffReply> {
    const req = new provproto.DiffRequest().setId(id).setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news)).setOldInputs(toStruct(oldInputs));
    return diffReply(await this.call<provproto.DiffRequest, provproto.DiffResponse>("diff", req));
  }

  async create(urn: string, properties: Props, timeoutSeconds = 0): Promise<{ id: string; properties: Props }> {
    const req = new provproto.CreateRequest().setUrn(urn).setProperties(toStruct(properties)).setTimeout(timeoutSeconds);
    const res = await this.call<provproto.CreateRequest, provproto.CreateResponse>("create", req);
    return { id: res.getId(), properties: fromStruct(res.getProperties()) };
  }

  async read(id: string, urn: string, properties: Props, inputs: Props): Promise<{ id: string; properties: Props; inputs?: Props }> {
    const req = new provproto.ReadRequest().setId(id).setUrn(urn).setProperties(toStruct(properties)).setInputs(toStruct(inputs));
    const res = await this.call<provproto.ReadRequest, provproto.ReadResponse>("read", req);
    return { id: res.getId(), properties: fromStruct(res.getProperties()), inputs: res.hasInputs() ? fromStruct(res.getInputs()) : undefined };
  }

  async update(id: string, urn: string, olds: Props, news: Props, oldInputs: Props, timeoutSeconds = 0): Promise<Props> {
    const req = new provproto.UpdateRequest().setId(id).setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news)).setOldInputs(toStruct(oldInputs)).setTimeout(timeoutSeconds);
    const res = await this.call<provproto.UpdateRequest, provproto.UpdateResponse>("update", req);
    return fromStruct(res.getProperties());
  }

  async delete(id: string, urn: string, properties: Props, timeoutSeconds = 0): Promise<void> {
    const req = new provproto.DeleteRequest().setId(id).setUrn(urn).setProperties(toStruct(properties)).setTimeout(timeoutSeconds);
    await this.call("delete", req);
  }

  async invoke(tok: string, args: Props): Promise<{ result: Props; failures: Array<{ property: string; reason: string }> }> {
    const req = new provproto.InvokeRequest().setTok(tok).setArgs(toStruct(args));
    const res = await this.call<provproto.InvokeRequest, provproto.InvokeResponse>("invoke", req);
    return { result: fromStruct(res.getReturn()), failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
  }

  /** Construct as the engine sends it: the component's inputs, the stack config and the monitor to register with. */
  async construct(request: ConstructCall): Promise<{ urn: string; state: Props; dependencies: Record<string, string[]> }> {
    const req = new provproto.ConstructRequest()
      .setProject(request.project)
      .setStack(request.stack)
      .setMonitorendpoint(request.monitor)
      .setType(request.type)
      .setName(request.name)
      .setParent(request.parent ?? "")
      .setInputs(toStruct(request.inputs))
      .setConfigsecretkeysList(request.secretConfigKeys ?? [])
      .setDryrun(request.dryRun ?? false)
      .setParallel(4);
    for (const [key, value] of Object.entries(request.config ?? {})) req.getConfigMap().set(key, value);
    for (const [pkg, ref] of Object.entries(request.providers ?? {})) req.getProvidersMap().set(pkg, ref);
    const res = await this.call<provproto.ConstructRequest, provproto.ConstructResponse>("construct", req);
    const dependencies: Record<string, string[]> = {};
    res.getStatedependenciesMap().forEach((deps, key) => (dependencies[key] = deps.getUrnsList()));
    return { urn: res.getUrn(), state: fromStruct(res.getState()), dependencies };
  }

  async cancel(): Promise<void> {
    await this.call("cancel", new Empty());
  }

  async stop(): Promise<void> {
    this.client.close();
    await this.process.stop();
  }
}

function diffReply(res: provproto.DiffResponse): NativeDiffReply {
  const detailedDiff: Record<string, string> = {};
  for (const [key, value] of res.getDetaileddiffMap().toArray() as Array<[string, unknown]>) {
    // toArray gives [key, [kind, inputDiff]] for message values.
    const kind = Array.isArray(value) ? (value[0] as number) : (value as provproto.PropertyDiff).getKind();
    detailedDiff[key] = KIND[kind ?? 0];
  }
  return {
    changes: CHANGES[res.getChanges()] ?? "unknown",
    replaces: res.getReplacesList(),
    deleteBeforeReplace: res.getDeletebeforereplace(),
    hasDetailedDiff: res.getHasdetaileddiff(),
    detailedDiff,
  };
}
