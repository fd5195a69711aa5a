/**
 * A fake resource monitor for the `veeam-em` plugin's Construct: the small part of the engine's ResourceMonitor
 * service a component's registrations use (SupportsFeature, RegisterResource, RegisterResourceOutputs), on
 * 127.0.0.1 with an ephemeral port. It records every registration and answers it with a URN, an id for a custom
 * resource and, as outputs, the inputs (a preview-like echo) merged with what `outputsOf` adds. It creates
 * nothing: what the engine would then ask the plugin to create is what it recorded.
 */
import type * as grpcTypes from "@grpc/grpc-js";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { grpc } from "./plugin";

type Props = Record<string, unknown>;

const { ResourceMonitorService } = require("@pulumi/pulumi/proto/resource_grpc_pb") as { ResourceMonitorService: grpcTypes.ServiceDefinition };

/** The features the engine of today answers yes to and the component's registrations rely on. */
const FEATURES = new Set(["secrets", "resourceReferences", "aliasSpecs"]);

export interface Registration {
  type: string;
  name: string;
  urn: string;
  parent: string;
  custom: boolean;
  /** The provider reference the resource names, if any ("<urn>::<id>"). */
  provider: string;
  /** The inputs as sent: secrets keep the SDK's secret marker. */
  inputs: Props;
}

export interface FakeMonitorOptions {
  project: string;
  stack: string;
  /** Outputs to answer a custom resource with, besides its inputs. */
  outputsOf?: (registration: Registration) => Props;
}

export class FakeResourceMonitor {
  readonly registrations: Registration[] = [];
  /** Outputs each component registered, by URN. */
  readonly componentOutputs = new Map<string, Props>();

  private constructor(
    private readonly server: grpcTypes.Server,
    readonly address: string,
  ) {}

  static async start(options: FakeMonitorOptions): Promise<FakeResourceMonitor> {
    const server = new grpc.Server();
    let monitor: FakeResourceMonitor | undefined;
    server.addService(ResourceMonitorService, {
      supportsFeature: (call: grpcTypes.ServerUnaryCall<resproto.SupportsFeatureRequest, unknown>, callback: grpcTypes.sendUnaryData<resproto.SupportsFeatureResponse>) =>
        callback(null, new resproto.SupportsFeatureResponse().setHassupport(FEATURES.has(call.request.getId()))),
      registerResource: (call: grpcTypes.ServerUnaryCall<resproto.RegisterResourceRequest, unknown>, callback: grpcTypes.sendUnaryData<resproto.RegisterResourceResponse>) => {
        const req = call.request;
        const parentType = req.getParent() ? req.getParent().split("::")[2] : "";
        const qualified = parentType && !parentType.startsWith("pulumi:pulumi:Stack") ? `${parentType}$${req.getType()}` : req.getType();
        const registration: Registration = {
          type: req.getType(),
          name: req.getName(),
          urn: `urn:pulumi:${options.stack}::${options.project}::${qualified}::${req.getName()}`,
          parent: req.getParent(),
          custom: req.getCustom(),
          provider: req.getProvider(),
          inputs: (req.getObject()?.toJavaScript() ?? {}) as Props,
        };
        monitor!.registrations.push(registration);
        const outputs = registration.custom ? { ...registration.inputs, ...(options.outputsOf?.(registration) ?? {}) } : {};
        const res = new resproto.RegisterResourceResponse().setUrn(registration.urn).setObject(Struct.fromJavaScript(outputs as Parameters<typeof Struct.fromJavaScript>[0]));
        if (registration.custom) res.setId(`fake-${registration.name}`);
        callback(null, res);
      },
      registerResourceOutputs: (call: grpcTypes.ServerUnaryCall<resproto.RegisterResourceOutputsRequest, unknown>, callback: grpcTypes.sendUnaryData<Empty>) => {
        monitor!.componentOutputs.set(call.request.getUrn(), (call.request.getOutputs()?.toJavaScript() ?? {}) as Props);
        callback(null, new Empty());
      },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    monitor = new FakeResourceMonitor(server, `127.0.0.1:${port}`);
    return monitor;
  }

  /** The registrations of one type. */
  ofType(type: string): Registration[] {
    return this.registrations.filter((r) => r.type === type);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
