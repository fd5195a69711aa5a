import type * as pulumi from "@pulumi/pulumi";

interface Shim {
  /** The resource kind whose provider the installed package supplies. */
  k: string;
  configure(request: pulumi.dynamic.ConfigureRequest): void;
}

/**
 * What Pulumi serializes into state as `__provider`: no logic and no credentials, only `configure`. The SDK's
 * plugin calls `configure` right after it deserializes a provider and before any other method, so `configure`
 * loads this package from the program's directory (the plugin's working directory) and copies the methods of
 * the real provider for this kind onto the object. Upgrading the package therefore changes behaviour without
 * rewriting state, and the serialized text stays far below 2 KB (the serializer wraps each function in about
 * 200 bytes). It must stay free of imports and captured values: the serializer copies whatever it references.
 */
export function providerShim(kind: string): pulumi.dynamic.ResourceProvider {
  const shim: Shim = {
    k: kind,
    configure(request) {
      let runtime;
      try {
        runtime = require("module").createRequire(process.cwd() + "/_")("pulumi-veeam-em/dynamic");
      } catch (e) {
        throw new Error(`pulumi-veeam-em is not installed where Pulumi runs this program (${process.cwd()}); install it there as its README says (not on the npm registry yet: 'npm pack' in a clone, then 'npm install <that .tgz>'). ${(e as Error).message}`);
      }
      Object.assign(this, runtime.providerFor(this.k, request));
    },
  };
  // The methods the ResourceProvider type requires arrive with configure.
  return shim as unknown as pulumi.dynamic.ResourceProvider;
}
