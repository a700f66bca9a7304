// core/ip.ts parses address literals without node:net (core/ has no I/O imports): its answers must be those of
// node:net's isIP, and kaitoBlockedAddress must be what the BlockList the webhook used before said (compat R7).
import { BlockList, isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ipFamily } from '../../../src/core/ip.js';
import { kaitoBlockedAddress } from '../../../src/core/kaito-webhook.js';

function oldBlocked(host: string): boolean {
  const list = new BlockList();
  for (const [net, bits] of [['127.0.0.0', 8], ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['169.254.0.0', 16], ['224.0.0.0', 24]] as const) list.addSubnet(net, bits, 'ipv4');
  for (const [net, bits] of [['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) list.addSubnet(net, bits, 'ipv6');
  const v = isIP(host);
  const mapped = v === 6 ? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host) : null;
  const addr = mapped ? [parseInt(mapped[1], 16) >> 8, parseInt(mapped[1], 16) & 255, parseInt(mapped[2], 16) >> 8, parseInt(mapped[2], 16) & 255].join('.') : host;
  const fam = mapped ? 'ipv4' : v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
  return Boolean(fam && (list.check(addr, fam) || (fam === 'ipv6' && /^ff[0-9a-f]2:/.test(addr))));
}

// hosts as WHATWG URL writes them (new URL(...).hostname without brackets)
const literal = (raw: string) => new URL(`http://${raw}/`).hostname.replace(/^\[|\]$/g, '');
const RAW = [
  '127.0.0.1', '127.255.255.254', '128.0.0.1', '10.1.2.3', '11.0.0.1', '172.16.0.1', '172.31.255.255', '172.32.0.1', '172.15.9.9',
  '192.168.1.1', '192.169.0.1', '169.254.169.254', '169.253.0.1', '224.0.0.1', '224.0.1.1', '8.8.8.8', '0.0.0.0', '255.255.255.255',
  '0x7f.1', '2130706433', '[::1]', '[::2]', '[::]', '[fc00::1]', '[fdff:ffff::1]', '[fe00::1]', '[fe80::1]', '[febf::1]', '[fec0::1]',
  '[ff02::1]', '[ff12::1]', '[ff05::1]', '[2001:db8::1]', '[::ffff:127.0.0.1]', '[::ffff:8.8.8.8]', '[::ffff:10.0.0.1]', '[64:ff9b::1]',
  '[2001:db8:0:0:1:0:0:1]', 'example.com', 'localhost.example',
];

describe('address literals without node:net', () => {
  for (const raw of RAW) {
    const host = literal(raw);
    it(`${raw} (${host})`, () => {
      expect(ipFamily(host)).toBe(isIP(host));
      expect(kaitoBlockedAddress(host)).toBe(oldBlocked(host));
    });
  }
  it('agrees with isIP on text no URL would produce', () => {
    for (const s of ['1.2.3', '1.2.3.4.5', '01.2.3.4', '256.1.1.1', '::1::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8', '::1.2.3.4', 'g::1', ':', ''])
      expect(ipFamily(s), s).toBe(isIP(s));
  });
});
