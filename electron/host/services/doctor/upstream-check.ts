/**
 * The upstream check: whether the server the relay hands mail to takes it.
 * For a smarthost, its stored settings and password; for direct delivery,
 * the MX hosts of a domain the admin names, looked up as the relay looks
 * them up (relay/shared/mx-route.ts) through the configured DNS server.
 * The sender asked about is the one the host mails codes from, unless
 * another is given.
 */
import { createRouter } from '../../../../relay/shared/mx-route.js';
import { errnoCode, errorMessage } from '../../../../relay/shared/errors.js';
import { ApiError } from '../../../api/contract.js';
import type { DoctorCheck } from '../../../api/schemas/doctor.js';
import type { HostContext } from '../../context.js';
import { vaultNames } from '../../vault-names.js';
import { codeMailFrom } from '../senders/code-from.js';
import { describeFailure, type SmarthostSettings } from '../server/smarthost-test.js';
import { probeUpstream, type ProbeTarget, type UpstreamProbe } from './upstream-probe.js';

const BASE = { id: 'upstream', title: 'Upstream' };

/** The sender a probe asks about when none is given: the address the host mails codes from. */
function probeSender(ctx: HostContext): string {
  const codes = codeMailFrom(ctx);
  return codes.ok ? codes.from : `relay-desk@${ctx.hostname()}`;
}

/** Why the step failed, in a sentence an admin can act on; and whether it may clear up by itself (a 4xx reply). */
function failure(probe: Extract<UpstreamProbe, { ok: false }>, target: ProbeTarget): { summary: string; temporary: boolean } {
  const where = `${target.host}:${target.port}`;
  const settings: SmarthostSettings = { host: target.host, port: target.port, security: target.security === 'opportunistic' ? 'none' : target.security, user: target.auth?.user ?? null, rejectUnauthorized: target.rejectUnauthorized };
  const reply = probe.reply;
  const temporary = reply !== null && reply.code >= 400 && reply.code < 500;
  if (reply === null) {
    const err = probe.error instanceof Error ? probe.error : new Error(String(probe.error));
    // describeFailure reads nodemailer's wrapping of the socket's or TLS layer's code.
    const wrapped = Object.assign(new Error(err.message), { originalCode: errnoCode(err), code: probe.step === 'starttls' ? 'ETLS' : undefined });
    return { summary: describeFailure(wrapped, settings), temporary: false };
  }
  switch (probe.step) {
    case 'auth': {
      const summary = describeFailure(Object.assign(new Error(reply.text), { code: 'EAUTH', response: reply.text, responseCode: reply.code }), settings);
      return { summary, temporary };
    }
    case 'starttls':
      return { summary: reply.code === 250 ? `${where} does not offer STARTTLS: choose security "TLS" if it encrypts from the start, or "none".` : `${where} refused STARTTLS: ${reply.text}.`, temporary };
    case 'mail-from':
      if (reply.code === 530 && !target.auth) return { summary: describeFailure(Object.assign(new Error(reply.text), { code: 'ENOAUTH' }), settings), temporary: false };
      return { summary: `${where} refuses mail from ${target.from}: ${reply.text}.`, temporary };
    default:
      return { summary: `${where} refused the session: ${reply.text}.`, temporary };
  }
}

function fixFor(probe: Extract<UpstreamProbe, { ok: false }>, direct: boolean): string {
  if (direct) {
    return probe.step === 'connect'
      ? "Many providers block outgoing port 25 for home and office lines: ask yours, or send through its smarthost instead (Server, Upstream)."
      : 'The receiving server judged this computer or the sender: send through a smarthost instead (Server, Upstream), or ask its postmaster.';
  }
  switch (probe.step) {
    case 'auth':
      return 'Correct the user name and password under Server, Upstream (Test connection tries them).';
    case 'mail-from':
      return 'Send from an address the provider allows (the account\'s own address or its verified domain), or ask the provider to allow this one.';
    default:
      return 'Correct the smarthost settings under Server, Upstream (host, port, security), or check that the server is up.';
  }
}

function checkFrom(probe: UpstreamProbe, target: ProbeTarget, direct: string | null): DoctorCheck {
  const where = `${target.host}:${target.port}`;
  const lead = direct ? [`MX for ${direct}: ${target.host}`] : [];
  const details = [...lead, ...probe.transcript];
  if (probe.ok) {
    const how = probe.tls ? 'over TLS' : 'without encryption';
    const login = probe.loggedIn && target.auth ? `, logged in as ${target.auth.user}` : '';
    return { ...BASE, status: 'ok', summary: `${where} accepts mail from ${target.from} (connected ${how}${login}; nothing was sent).`, fix: null, details };
  }
  const { summary, temporary } = failure(probe, target);
  return { ...BASE, status: temporary ? 'warning' : 'problem', summary, fix: fixFor(probe, direct !== null), details };
}

async function directCheck(ctx: HostContext, port: number, domain: string, from: string): Promise<DoctorCheck> {
  const route = await createRouter(ctx.dnsServers())(domain);
  if (route.kind !== 'hosts') {
    return { ...BASE, status: route.kind === 'failed' ? 'problem' : 'warning', summary: `Mail for ${domain} cannot be delivered directly: ${route.response.replace(/^\d\.\d\.\d+ /, '')}.`, fix: 'Check the domain\'s spelling, and the DNS server set for Relay Desk.', details: [] };
  }
  const host = route.hosts[0];
  const address = host?.addresses[0];
  if (!host || !address) throw new Error(`no address for the MX hosts of ${domain}`);
  const target: ProbeTarget = { host: address, port, security: 'opportunistic', rejectUnauthorized: false, auth: null, heloName: ctx.hostname(), from };
  const check = checkFrom(await probeUpstream(target), target, domain);
  return { ...check, details: [`MX for ${domain}: ${route.hosts.map((h) => `${h.name} (${h.addresses.join(', ')})`).join(', ')}`, ...check.details.slice(1)] };
}

/**
 * Probes the configured upstream. Direct delivery needs a domain to look up;
 * without one, null (doctor.run leaves the check out).
 */
export async function upstreamCheck(ctx: HostContext, input: { domain?: string | undefined; from?: string | undefined } = {}): Promise<DoctorCheck | null> {
  const upstream = ctx.store.data.upstream;
  const from = input.from ?? probeSender(ctx);
  if (upstream.mode === 'none') {
    return { ...BASE, status: 'problem', summary: 'No upstream is configured: accepted mail waits in the queue and is never delivered.', fix: 'Choose a smarthost or direct delivery under Server, Upstream.', details: [] };
  }
  if (upstream.mode === 'mx') {
    if (input.domain === undefined) return null;
    try {
      return await directCheck(ctx, upstream.port, input.domain, from);
    } catch (err) {
      return { ...BASE, status: 'problem', summary: `The MX hosts of ${input.domain} could not be tried: ${errorMessage(err)}.`, fix: null, details: [] };
    }
  }
  const password = ctx.vault.get(vaultNames.upstreamPassword);
  // With OAuth: the token the relay uses, and without one nothing to log in with.
  const accessToken = upstream.oauth ? ctx.oauth.accessToken() : null;
  if (upstream.oauth && !accessToken) {
    const { problem } = ctx.oauth.status();
    return { ...BASE, status: 'problem', summary: `Not signed in to the provider${problem ? `: ${problem}` : ''}; mail waits in the queue.`, fix: 'Sign in again under Server (or relay-desk upstream oauth).', details: [] };
  }
  const target: ProbeTarget = {
    host: upstream.host,
    port: upstream.port,
    security: upstream.security,
    rejectUnauthorized: upstream.rejectUnauthorized,
    auth: !upstream.user ? null : accessToken ? { user: upstream.user, accessToken } : { user: upstream.user, password: password ?? '' },
    heloName: ctx.hostname(),
    from,
  };
  return checkFrom(await probeUpstream(target), target, null);
}

/** The check for the API's doctor.upstream: direct delivery without a domain is a question left unasked. */
export async function askedUpstreamCheck(ctx: HostContext, input: { domain?: string | undefined; from?: string | undefined }): Promise<DoctorCheck> {
  const check = await upstreamCheck(ctx, input);
  if (check === null) throw new ApiError('domain_needed', 'Direct delivery goes to each domain\'s MX hosts: name a domain to look up and try.', 'domain');
  return check;
}
