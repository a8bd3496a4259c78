/**
 * parseMessage validates Via, From, To, Contact and the URIs in them with checks that build nothing; the
 * accessors parse the same text into values. Both must accept exactly the same text and fail the same way.
 */
import { describe, expect, test } from "bun:test";
import { rng } from "../../support/fuzz.ts";
import { SipParseError } from "../../../src/sip/message/index.ts";
import { checkContacts, checkNameAddr, parseContacts, parseNameAddr } from "../../../src/sip/message/name-addr.ts";
import { checkUri, parseUri } from "../../../src/sip/message/uri.ts";
import { checkVia, parseVia } from "../../../src/sip/message/via.ts";

const SEEDS = {
  uri: [
    "sip:+49301100@avsplit.police.example:5060;user=phone",
    "sip:alice:secret@[2001:db8::10]:5061;transport=tcp;lr?subject=hi&priority=urgent",
    "sips:%61lice@example.com;maddr=10.0.0.1;x%41=%42",
    "tel:+49301100;phone-context=ims.mnc001.mcc262.3gppnetwork.org",
    "urn:service:sos",
  ],
  nameAddr: [
    '"Max Mustermann" <sip:+491701234567@ims.mnc001.mcc262.3gppnetwork.org>;tag=h7g4Esbg_p65530t15',
    "<tel:+49301100;phone-context=ims.mnc001.mcc262.3gppnetwork.org>",
    "Bob Smith <sip:bob@example.com>;tag=a6c85cf;x=\"q\\\"v\"",
    "sip:carol@chicago.example.com;tag=887s",
  ],
  contacts: [
    '<sip:+491701234567@[2001:db8:1:2::1b]:5060;transport=tcp>;+sip.instance="<urn:gsma:imei:35693803-564012-0>";+g.3gpp.icsi-ref="urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel";+g.3gpp.mid-call;video;audio',
    "<sip:a@192.0.2.1>;q=0.7;expires=3600, \"B\" <sip:b@192.0.2.2>;q=0.1, *",
  ],
  via: [
    "SIP/2.0/UDP 10.10.1.5:5060;branch=z9hG4bK-524287-1---7f3a2b1c9d8e6f50;rport",
    "SIP/2.0/TCP [2001:db8:1:2::1b]:5060;received=2001:db8:1:2::1b;rport=5060;branch=z9hG4bK1dc2, SIP / 2.0 / UDP host.example.com ; branch = z9hG4bKx",
  ],
};

const SNIPPETS = [" ", "\t", ":", ";", ",", "<", ">", '"', "\\", "%", "%4", "%zz", "[", "]", "@", "=", "?", "&", "/", "*", "\u00e4", "99999", "-", ".", ""];

/** A deterministic mutation of `seed`: 1..3 character flips, insertions of syntax-significant text or cuts. */
function mutation(seed: string, index: number): string {
  const rand = rng(0xc4ec ^ Math.imul(index, 0x9e3779b1));
  const pick = (n: number) => Math.floor(rand() * n);
  let s = seed;
  for (let k = 1 + pick(3); k > 0; k--) {
    const at = pick(s.length + 1);
    const op = pick(3);
    if (op === 0) s = s.slice(0, at) + String.fromCharCode(pick(128)) + s.slice(at + 1);
    else if (op === 1) s = s.slice(0, at) + SNIPPETS[pick(SNIPPETS.length)] + s.slice(at);
    else s = s.slice(0, at) + s.slice(at + 1 + pick(8));
  }
  return s;
}

/** "ok", or the code and message of the SipParseError thrown (anything else is a bug and fails the test). */
function outcome(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
    return `${err.code}: ${err.message}`;
  }
}

const PAIRS: [keyof typeof SEEDS, string, (s: string) => unknown, (s: string) => unknown][] = [
  ["uri", "checkUri / parseUri", checkUri, parseUri],
  ["nameAddr", "checkNameAddr / parseNameAddr", (s) => checkNameAddr(s, "From"), (s) => parseNameAddr(s, "From")],
  ["contacts", "checkContacts / parseContacts", checkContacts, parseContacts],
  ["via", "checkVia / parseVia", checkVia, parseVia],
];

describe("parse-time checks agree with the accessors' parsers", () => {
  for (const [corpus, name, check, parse] of PAIRS) {
    test(`${name}: same verdict and error on the seeds and 5000 mutations of each`, () => {
      let accepted = 0;
      let rejected = 0;
      for (const seed of SEEDS[corpus]) {
        expect(outcome(() => check(seed))).toBe("ok");
        for (let i = 0; i < 5000; i++) {
          const text = mutation(seed, i);
          const verdict = outcome(() => parse(text));
          expect({ text, verdict: outcome(() => check(text)) }).toEqual({ text, verdict });
          if (verdict === "ok") accepted++;
          else rejected++;
        }
      }
      // the mutations reach both sides of the grammar
      expect(accepted).toBeGreaterThan(100);
      expect(rejected).toBeGreaterThan(100);
    });
  }
});
