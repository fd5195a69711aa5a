/** The data file as text: what JSON.parse would silently change is refused, each problem with its place. */
import { expect } from "chai";
import { OnboardingDataError, parseOnboardingText } from "../../provider/onboarding";

const problems = (text: string): string[] => {
  try {
    parseOnboardingText(text, "data.json");
  } catch (err) {
    if (err instanceof OnboardingDataError) return err.problems.map((p) => `${p.at}: ${p.message}`);
    throw err;
  }
  return [];
};

const SUB = (fields: string) => `{"tenants":[{"name":"T","subtenants":[{"name":"s",${fields}}]}]}`;

describe("onboarding data file: the text", () => {
  it("refuses a key given twice in one object, naming each place (JSON.parse would keep only the last)", () => {
    expect(problems(`{"tenants":[{"name":"A","name":"B","subtenants":[]}]}`)).to.deep.equal(["tenants[0].name: is given twice in one object; JSON keeps only the last, so remove one of them"]);
    expect(problems(SUB(`"quotaMb":2048,"adopt":true,"adopt":false`))).to.deep.equal(["tenants[0].subtenants[0].adopt: is given twice in one object; JSON keeps only the last, so remove one of them"]);
    // Keys compare as JSON reads them: an escape is the same key.
    expect(problems(`{"tenants":[],"\\u0074enants":[]}`)).to.have.length(1);
    expect(problems(`{"tenants":[],"__proto__":1,"__proto__":2}`)[0]).to.match(/^__proto__: is given twice/);
  });

  it("refuses a number JSON cannot hold exactly (past 2^53 - 1), rather than read it rounded", () => {
    expect(problems(SUB(`"quotaMb":9007199254740993`))).to.deep.equal(["tenants[0].subtenants[0].quotaMb: the number 9007199254740993 is past 2^53 - 1 (9007199254740991), beyond which JSON numbers are not read exactly"]);
    expect(problems(SUB(`"quotaMb":1e400`))[0]).to.match(/the number 1e400 is past 2\^53 - 1/);
    expect(problems(SUB(`"quotaMb":"unlimited","$note":[-12345678901234567890]`))[0]).to.match(/^tenants\[0\]\.subtenants\[0\]\.\$note\[0\]: the number -12345678901234567890 is past/);
  });

  it("refuses a quota EM cannot hold (its QuotaMb is a 32-bit Int), and takes the largest it can", () => {
    expect(problems(SUB(`"quotaMb":2147483648`))).to.deep.equal(['tenants[0].subtenants[0].quotaMb: must be at most 2147483647 MB (EM holds a quota\'s size as a 32-bit whole number), got 2147483648; for no limit write "unlimited"']);
    expect(problems(SUB(`"quotaMb":2147483647`))).to.deep.equal([]);
  });

  it("refuses names of only invisible or bidirectional control characters, with their code points", () => {
    expect(problems(`{"tenants":[{"name":"\\u200b\\u202e","subtenants":[]}]}`)).to.deep.equal(["tenants[0].name: must hold a visible character, got only invisible or bidirectional control characters (U+200B U+202E)"]);
    expect(problems(`{"tenants":[{"name":"A\\u200b","subtenants":[]}]}`)).to.deep.equal([]);
  });

  it("reads __proto__ as a name like any other", () => {
    const data = parseOnboardingText(`{"tenants":[{"name":"__proto__","subtenants":[{"name":"__proto__","quotaMb":2048}],"accounts":[{"type":"User","name":"TECH\\\\__proto__","roles":["Portal User"]}]}]}`, "data.json");
    expect(data.tenants[0].name).to.equal("__proto__");
    expect(data.tenants[0].subtenants[0]).to.include({ name: "__proto__", passwordConfig: 'subtenantPasswords["__proto__"]["__proto__"]' });
    expect(data.tenants[0].accounts[0].name).to.equal("TECH\\__proto__");
  });

  it("refuses nesting far past the format's with a problem, not a RangeError", () => {
    const deep = `{"tenants":[],"$x":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    expect(problems(deep)).to.deep.equal([`$x${"[0]".repeat(64)}: is nested deeper than 64 levels, far past what the data file's format has`]);
  });
});
