/** A program for multi-component.test.ts: one TenantOnboarding whose EM is a declared connection. */
import * as pulumi from "@pulumi/pulumi";
import { TenantOnboarding } from "../../provider";

export = (arg: { url: string; username: string; password: string; data: unknown }) => {
  const site2 = new TenantOnboarding("site2", {
    data: arg.data,
    source: "site2.json",
    connection: { url: arg.url, username: arg.username, password: pulumi.secret(arg.password), format: "json" },
  });
  return { tenants: site2.tenants };
};
