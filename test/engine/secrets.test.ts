import { expect } from "chai";
import { MASK, maskSecrets, secret, SECRET_SIG, SIG_KEY, unwrapSecrets, wrapSecrets } from "../../tools/engine/secrets";

describe("engine secrets: what the test engine sends and stores", () => {
  it("unwraps secrets for the plugin and remembers their top-level keys, also for secrets nested in objects and lists", () => {
    const { plain, secretKeys } = unwrapSecrets({ a: 1, password: secret("p"), nested: { x: [secret("y")] }, gone: undefined });
    expect(plain).to.deep.equal({ a: 1, password: "p", nested: { x: ["y"] } });
    expect(secretKeys).to.deep.equal(["password", "nested"]);
  });

  it("uses the SDK's own wire marker, so pulumi.secret values from mocks are recognised", () => {
    expect(secret("v")).to.deep.equal({ [SIG_KEY]: SECRET_SIG, value: "v" });
    expect(SIG_KEY).to.equal("4dabf18193072939515e22adb298388d");
  });

  it("re-marks and masks exactly the secret keys", () => {
    expect(wrapSecrets({ password: "p", name: "n" }, ["password"])).to.deep.equal({ password: secret("p"), name: "n" });
    expect(maskSecrets({ password: "p", name: "n" }, ["password"])).to.deep.equal({ password: MASK, name: "n" });
  });
});
