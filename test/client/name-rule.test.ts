import { expect } from "chai";
import { accountNamesSurelySame, NameMayBeSameError, namesPossiblySame, namesSurelySame, pickSameName, unicodeInName } from "../../provider/client/name-rule";

describe("client: the name rule (surely, possibly or not the same name)", () => {
  it("surely the same only character for character; possibly the same across case, width, canonical form and trailing spaces", () => {
    expect(namesSurelySame("ABC Company", "ABC Company")).to.equal(true);
    expect(namesSurelySame("ABC Company", "abc company")).to.equal(false);
    for (const [a, b] of [["ABC Company", "abc company"], ["ABC", "ＡＢＣ"], ["ABC ", "ABC"], ["Caf\u00e9", "Cafe\u0301"]]) {
      expect(namesPossiblySame(a, b), `${a} ~ ${b}`).to.equal(true);
    }
    // Accents count under SQL Server's CI_AS collations and PostgreSQL alike; leading spaces count too.
    for (const [a, b] of [["Café", "Cafe"], [" ABC", "ABC"], ["ABC-1", "ABC-2"]]) expect(namesPossiblySame(a, b), `${a} ≁ ${b}`).to.equal(false);
  });

  it("picks the surely-same item, refuses to pick a possibly-same one, and finds none among different names", () => {
    const items = [{ name: "Sub-A" }, { name: "sub-b" }];
    expect(pickSameName(items, "Sub-A", (i) => i.name, "subtenant")).to.equal(items[0]);
    expect(pickSameName(items, "sub-c", (i) => i.name, "subtenant")).to.equal(undefined);
    let err: unknown;
    try {
      pickSameName(items, "SUB-B", (i) => i.name, "subtenant");
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(NameMayBeSameError);
    expect((err as NameMayBeSameError).match).to.equal(items[1]);
    expect((err as Error).message).to.contain("Use the name exactly as EM shows it ('sub-b')");
  });

  it("Windows account names are case-insensitive whatever EM's database, but not width-insensitive", () => {
    expect(accountNamesSurelySame("TECH\\mary.smith", "tech\\MARY.smith")).to.equal(true);
    const refs = [{ name: "TECH\\mary.smith" }];
    expect(pickSameName(refs, "tech\\MARY.smith", (r) => r.name, "account", accountNamesSurelySame)).to.equal(refs[0]);
    expect(() => pickSameName(refs, "TECH\\ｍary.smith", (r) => r.name, "account", accountNamesSurelySame)).to.throw(NameMayBeSameError);
  });

  it("finds the first Unicode (non-ASCII) character of a name", () => {
    expect(unicodeInName("ABC-Finance 01")).to.equal(undefined);
    expect(unicodeInName("Café")).to.equal("é");
  });
});
