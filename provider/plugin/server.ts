/**
 * The provider gRPC service of the `veeam-em` plugin. It uses the Pulumi SDK's own generated protocol classes and
 * the SDK's copy of @grpc/grpc-js (a dependency of @pulumi/pulumi, which users already have), so the plugin adds
 * no runtime dependency. `pulumi.provider.main` is not used: its Configure drops the configuration, it has no
 * CheckConfig or DiffConfig, no detailed diff, and never passes the engine's timeouts (see docs/native-plugin.md).
 *
 * Secrets: Configure answers acceptSecrets, so secret values arrive marked; they are unwrapped for the resource
 * providers and every secret field of the table is marked secret again in what goes back (outputs, checked
 * inputs), so the engine need not guess.
 */
import { createRequire } from "node:module";
import type * as grpcTypes from "@grpc/grpc-js";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import type { Any as AnyType } from "google-protobuf/google/protobuf/any_pb";
import type { Empty as EmptyType } from "google-protobuf/google/protobuf/empty_pb";
import type { Struct as StructType } from "google-protobuf/google/protobuf/struct_pb";
import { NativeProvider, type PropertyChange } from "./native";
import { schemaText } from "./schema";

type Props = Record<string, unknown>;

// The very copies the SDK's generated service uses (the SDK's dependencies, not the plugin's).
const grpcPbPath = require.resolve("@pulumi/pulumi/proto/provider_grpc_pb");
const sdkRequire = createRequire(grpcPbPath);
const grpc = sdkRequire("@grpc/grpc-js") as typeof grpcTypes;
const { Any } = sdkRequire("google-protobuf/google/protobuf/any_pb") as { Any: typeof AnyType };
const { Empty } = sdkRequire("google-protobuf/google/protobuf/empty_pb") as { Empty: typeof EmptyType };
const { Struct } = sdkRequire("google-protobuf/google/protobuf/struct_pb") as { Struct: typeof StructType };
type Empty = EmptyType;
type Struct = StructType;
const { ResourceProviderService } = require(grpcPbPath) as { ResourceProviderService: grpcTypes.ServiceDefinition };

const isSecret = (value: unknown): value is { value: unknown } => typeof value === "object" && value !== null && (value as Props)[specialSigKey] === specialSecretSig;

/** Plain values: secret markers removed at any depth. */
export function unwrap(value: unknown): unknown {
  if (isSecret(value)) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  return value;
}

/** `props` with the values under `keys` marked secret. */
export function markSecrets(props: Props, keys: readonly string[]): Props {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, keys.includes(k) && v !== undefined && v !== null ? { [specialSigKey]: specialSecretSig, value: v } : v]));
}

const plainJson = (props: Props): Props => JSON.parse(JSON.stringify(props ?? {})) as Props;
const toStruct = (props: Props) => Struct.fromJavaScript(plainJson(props) as Parameters<typeof Struct.fromJavaScript>[0]);
const fromStruct = (s: Struct | undefined): Props => (s ? (unwrap(s.toJavaScript()) as Props) : {});

const DIFF_KIND: Record<PropertyChange, provproto.PropertyDiff.Kind> = { update: provproto.PropertyDiff.Kind.UPDATE, replace: provproto.PropertyDiff.Kind.UPDATE_REPLACE };

/** An object that exists but could not be finished: ErrorResourceInitFailed, so the engine records it. */
function failure(err: unknown): grpcTypes.ServiceError {
  const e = err as Error & { id?: string; properties?: Props; reasons?: string[] };
  const metadata = new grpc.Metadata();
  if (typeof e?.id === "string" && e.id !== "") {
    const detail = new provproto.ErrorResourceInitFailed();
    detail.setId(e.id);
    detail.setProperties(toStruct(e.properties ?? {}));
    detail.setReasonsList(e.reasons ?? [e.message]);
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(e.message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  const message = e instanceof Error ? e.message : String(err);
  return Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message, metadata }) as grpcTypes.ServiceError;
}

type Handler<Req, Res> = (call: grpcTypes.ServerUnaryCall<Req, Res>, callback: grpcTypes.sendUnaryData<Res>) => void;

/** A handler from an async function: its error goes back as the call's error (never a crash of the plugin). */
function unary<Req, Res>(work: (request: Req) => Promise<Res> | Res): Handler<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => work(call.request))
      .then(
        (response) => callback(null, response),
        (err) => callback(failure(err)),
      );
  };
}

const failureList = (failures: Array<{ property: string; reason: string }>) => failures.map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(f.reason));

function checkResponse(inputs: Props, failures: Array<{ property: string; reason: string }>): provproto.CheckResponse {
  return new provproto.CheckResponse().setInputs(toStruct(inputs)).setFailuresList(failureList(failures));
}

/** The service implementation over a NativeProvider; methods it leaves out answer UNIMPLEMENTED. */
export function serviceOf(provider: NativeProvider, version: string, engineAddress = ""): grpcTypes.UntypedServiceImplementation {
  return {
    getPluginInfo: unary<Empty, plugproto.PluginInfo>(() => new plugproto.PluginInfo().setVersion(version)),
    getSchema: unary<provproto.GetSchemaRequest, provproto.GetSchemaResponse>((req) => {
      if (req.getVersion() !== 0) throw new Error(`unsupported schema version ${req.getVersion()}`);
      return new provproto.GetSchemaResponse().setSchema(schemaText());
    }),
    checkConfig: unary<provproto.CheckRequest, provproto.CheckResponse>((req) => {
      const raw = req.getNews()?.toJavaScript() ?? {};
      const { failures } = provider.checkConfig(unwrap(raw) as Props);
      // The inputs go back as they came: the engine keeps the password secret.
      return checkResponse(raw as Props, failures);
    }),
    diffConfig: unary<provproto.DiffRequest, provproto.DiffResponse>((req) => {
      const { changes, changed } = provider.diffConfig(fromStruct(req.getOldInputs() ?? req.getOlds()), fromStruct(req.getNews()));
      const res = new provproto.DiffResponse();
      res.setChanges(changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
      res.setDiffsList(changed);
      res.setHasdetaileddiff(true);
      for (const key of changed) res.getDetaileddiffMap().set(key, new provproto.PropertyDiff().setKind(provproto.PropertyDiff.Kind.UPDATE).setInputdiff(true));
      return res;
    }),
    configure: unary<provproto.ConfigureRequest, provproto.ConfigureResponse>((req) => {
      const variables = Object.fromEntries(req.getVariablesMap().toArray() as Array<[string, string]>);
      provider.configure(fromStruct(req.getArgs()), variables);
      return new provproto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(false).setAcceptresources(false).setAcceptoutputs(false);
    }),
    check: unary<provproto.CheckRequest, provproto.CheckResponse>(async (req) => {
      const urn = req.getUrn();
      const { inputs, failures } = await provider.check(urn, fromStruct(req.getOlds()), fromStruct(req.getNews()));
      return checkResponse(markSecrets(inputs, provider.secretKeys(urn)), failures);
    }),
    diff: unary<provproto.DiffRequest, provproto.DiffResponse>(async (req) => {
      const d = await provider.diff(req.getId(), req.getUrn(), fromStruct(req.getOlds()), fromStruct(req.getNews()));
      const res = new provproto.DiffResponse();
      res.setChanges(d.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
      res.setReplacesList(d.replaces);
      res.setDeletebeforereplace(d.deleteBeforeReplace);
      res.setDiffsList(Object.keys(d.detailed));
      res.setHasdetaileddiff(true);
      for (const [key, kind] of Object.entries(d.detailed)) res.getDetaileddiffMap().set(key, new provproto.PropertyDiff().setKind(DIFF_KIND[kind]).setInputdiff(true));
      return res;
    }),
    create: unary<provproto.CreateRequest, provproto.CreateResponse>(async (req) => {
      const urn = req.getUrn();
      const { id, outs } = await provider.create(urn, fromStruct(req.getProperties()), req.getTimeout());
      return new provproto.CreateResponse().setId(id).setProperties(toStruct(markSecrets(outs, provider.secretKeys(urn))));
    }),
    read: unary<provproto.ReadRequest, provproto.ReadResponse>(async (req) => {
      const urn = req.getUrn();
      const result = await provider.read(req.getId(), urn, fromStruct(req.getProperties()));
      const res = new provproto.ReadResponse().setId(result.id);
      if (result.id === "") return res;
      const secrets = provider.secretKeys(urn);
      res.setProperties(toStruct(markSecrets(result.props, secrets)));
      if (result.inputs) res.setInputs(toStruct(markSecrets(result.inputs, secrets)));
      return res;
    }),
    update: unary<provproto.UpdateRequest, provproto.UpdateResponse>(async (req) => {
      const urn = req.getUrn();
      const outs = await provider.update(req.getId(), urn, fromStruct(req.getOlds()), fromStruct(req.getNews()), req.getTimeout());
      return new provproto.UpdateResponse().setProperties(toStruct(markSecrets(outs, provider.secretKeys(urn))));
    }),
    delete: unary<provproto.DeleteRequest, Empty>(async (req) => {
      await provider.delete(req.getId(), req.getUrn(), fromStruct(req.getProperties()), req.getTimeout());
      return new Empty();
    }),
    invoke: unary<provproto.InvokeRequest, provproto.InvokeResponse>(async (req) => {
      const { outputs, failures } = await provider.invoke(req.getTok(), fromStruct(req.getArgs()));
      const res = new provproto.InvokeResponse();
      if (outputs) res.setReturn(toStruct(outputs));
      return res.setFailuresList(failureList(failures));
    }),
    construct: unary<provproto.ConstructRequest, provproto.ConstructResponse>(async (req) => {
      // Loaded on first use: it brings the whole SDK runtime and the component, which no other call needs.
      const { construct } = require("./construct") as typeof import("./construct");
      const result = await construct(provider, req, engineAddress);
      const res = new provproto.ConstructResponse().setUrn(result.urn).setState(toStruct(result.state));
      for (const [key, urns] of result.dependencies) res.getStatedependenciesMap().set(key, new provproto.ConstructResponse.PropertyDependencies().setUrnsList(urns));
      return res;
    }),
    cancel: unary<Empty, Empty>(async () => {
      await provider.cancel();
      return new Empty();
    }),
  };
}

/** Serves the plugin on 127.0.0.1 (an ephemeral port) and resolves with the port. */
export async function serve(provider: NativeProvider, version: string, engineAddress = ""): Promise<{ port: number; server: grpcTypes.Server }> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(ResourceProviderService, serviceOf(provider, version, engineAddress));
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return { port, server };
}
