/**
 * This machine's addresses on the office network, as a mail client or
 * scanner would be set up with them: IPv4 first (what devices are usually
 * given), then IPv6. Loopback is left out (no other device can use it), and
 * so are IPv6 link-local addresses (fe80::), which work only with an
 * interface name appended and are not what anyone types into a scanner.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export function lanAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      if (info.internal) continue;
      if (info.family === 'IPv4') v4.push(info.address);
      else if (!/^fe[89ab]/i.test(info.address)) v6.push(info.address.toLowerCase());
    }
  }
  return [...new Set([...v4, ...v6])];
}
