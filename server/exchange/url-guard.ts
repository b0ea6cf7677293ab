// Where the desk may post webhooks. A client names the URL, so without a guard it could make the desk
// post into the agency's internal network, the database host or the cloud's metadata service (SSRF).
// Loopback, private, link-local and other special-purpose addresses are refused unless
// WEBHOOK_ALLOW_PRIVATE=1 (tests, a development receiver). The check is made when the webhook is
// registered (a clear 422) and again on every delivery, on the address actually connected to — a name
// that resolved to a public address at registration and to 127.0.0.1 later (DNS rebinding) is refused
// then. Redirects are never followed.
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';

const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['::', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['2002::', 16],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) BLOCKED.addSubnet(net, prefix, 'ipv6');

/** An IPv4 address carried in an IPv6 one (::ffff:a.b.c.d or ::ffff:xxxx:yyyy), or null. */
function mappedIpv4(address: string): string | null {
  const dotted = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Not a public unicast address: loopback, private, link-local, shared, documentation, multicast, reserved. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return BLOCKED.check(bare, 'ipv4');
  if (family === 6) {
    const v4 = mappedIpv4(bare);
    return v4 ? BLOCKED.check(v4, 'ipv4') : BLOCKED.check(bare, 'ipv6');
  }
  return true;
}

export class UnsafeAddressError extends Error {
  code = 'EUNSAFEADDRESS';
}

/** The URL's problem in Chinese, or null: http(s) only, no credentials in it, not a private address. */
export async function webhookUrlProblem(raw: string, allowPrivate: boolean): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '不是有效的 URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return '只接受 http 或 https 地址';
  if (url.username || url.password) return '地址中不能包含用户名或密码';
  if (url.hash) return '地址中不能包含片段（#…）';
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPrivateAddress(host) ? '不能指向本机、内网或保留地址（WEBHOOK_ALLOW_PRIVATE 未开启）' : null;
  if (host === 'localhost' || host.endsWith('.localhost')) return '不能指向本机（WEBHOOK_ALLOW_PRIVATE 未开启）';
  let addresses: { address: string }[];
  try {
    addresses = await dns.lookup(host, { all: true, verbatim: true });
  } catch {
    return `无法解析主机名 ${host}`;
  }
  if (addresses.some((a) => isPrivateAddress(a.address))) return `主机名 ${host} 解析到本机、内网或保留地址（WEBHOOK_ALLOW_PRIVATE 未开启）`;
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses private addresses at connection time (DNS rebinding).
 * An address given literally in the URL is not looked up: the caller checks it with isPrivateAddress.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, []);
      const unsafe = !allowPrivate && addresses.some((a) => isPrivateAddress(a.address));
      if (unsafe) return callback(new UnsafeAddressError(`${hostname} resolves to a private or reserved address`), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
