import { expect } from "chai";
import pRetry from "p-retry";
describe("smoke", () => {
  it("loads ESM-only deps", async () => {
    let n = 0;
    const v = await pRetry(async () => { n++; if (n < 2) throw new Error("x"); return 5; }, { retries: 2, minTimeout: 1 });
    expect(v).to.equal(5);
  });
});
