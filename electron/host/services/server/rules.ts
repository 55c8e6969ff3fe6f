/**
 * What the admin may set on the Server page, checked before anything is
 * stored, each refusal with a stable code and words that say what to do.
 */
import { isIP } from 'node:net';
import { isAllowedPort, type Encryption } from '../../../../relay/protocol.js';
import { ApiError } from '../../../api/contract.js';
import { isDnsName } from './certificate.js';

export const ALLOWED_PORTS_TEXT = '25, 80, 465, 587, or any port from 1025 to 5000';

export interface ListenerSetting {
  port: number;
  encryption: Encryption;
  requireTlsForAuth: boolean;
}

/**
 * Ports whose clients expect one kind of session: on 465 TLS starts with the
 * first byte (RFC 8314); on 25 and 587 a client reads a plain greeting and
 * upgrades with STARTTLS (RFC 5321, RFC 6409). Elsewhere (80, 1025-5000) the
 * admin chooses, so a computer where 465 needs administrator rights can offer
 * implicit TLS on, say, 2465.
 */
export function checkListener(input: { port: number; encryption: Encryption; requireTlsForAuth?: boolean | undefined }, current?: ListenerSetting): ListenerSetting {
  const { port, encryption } = input;
  if (!isAllowedPort(port)) {
    throw new ApiError('port_not_allowed', `Port ${port} cannot be used. The relay listens on ${ALLOWED_PORTS_TEXT}.`, 'port');
  }
  if (port === 465 && encryption !== 'tls') {
    throw new ApiError(
      'encryption_not_allowed',
      'Port 465 is for implicit TLS: mail clients start TLS there before anything else. Choose TLS for it, or use 587 or 25 for STARTTLS.',
      'encryption',
    );
  }
  if ((port === 25 || port === 587) && encryption === 'tls') {
    throw new ApiError(
      'encryption_not_allowed',
      `Mail clients expect a plain greeting on port ${port} and switch to TLS with STARTTLS. Choose STARTTLS for it, or use 465 for implicit TLS.`,
      'encryption',
    );
  }
  if (input.requireTlsForAuth === true && encryption !== 'starttls') {
    const why =
      encryption === 'none'
        ? 'a port without encryption offers no TLS to switch to'
        : encryption === 'starttls-required'
          ? 'this port already refuses everything but STARTTLS before TLS'
          : 'on an implicit TLS port everything, login included, is encrypted already';
    throw new ApiError('invalid_option', `"Require TLS before login" applies only to ports offering optional STARTTLS: ${why}.`, 'requireTlsForAuth');
  }
  // Not given: a port that stays on optional STARTTLS keeps its switch, one
  // that comes to it requires TLS before login; any other encryption has none.
  const kept = current?.encryption === 'starttls' ? current.requireTlsForAuth : true;
  const requireTlsForAuth = encryption === 'starttls' && (input.requireTlsForAuth ?? kept);
  return { port, encryption, requireTlsForAuth };
}

/**
 * A smarthost's host as the admin typed it: a host name or an IP address
 * (IPv6 with or without brackets). Returns it trimmed, names in lower case.
 */
export function normalizeHost(text: string): string {
  const host = text.trim();
  const bracketed = /^\[(.+)\]$/.exec(host)?.[1];
  if (bracketed && isIP(bracketed) === 6) return bracketed.toLowerCase();
  if (isIP(host) !== 0) return host.toLowerCase();
  const withPort = /^([^:\s]+):(\d+)$/.exec(host);
  if (withPort) {
    throw new ApiError('invalid_host', `Enter the host without the port ("${withPort[1] ?? ''}"), and ${withPort[2] ?? 'the port'} in the port field.`, 'host');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    throw new ApiError('invalid_host', 'Enter only the server\'s name, such as smtp.example.com, without "smtp://" or a path.', 'host');
  }
  const name = host.replace(/\.$/, '');
  if (!isDnsName(name)) {
    throw new ApiError('invalid_host', `"${host}" is not a host name or IP address; a host name has letters, digits, hyphens and dots, such as smtp.example.com.`, 'host');
  }
  return name.toLowerCase();
}
