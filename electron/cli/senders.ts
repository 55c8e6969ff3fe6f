/**
 * `relay-desk sender`: verified senders. A domain is proven with a DNS TXT
 * record the admin publishes, an address with a code mailed to it; only
 * verified senders can be authorized for SMTP users.
 */
import type { DnsRecord } from '../api/schemas/common.js';
import type { CodeFromView, DomainView } from '../api/schemas/senders.js';
import { CliError, COMMON_HELP, COMMON_OPTIONS, dataDirOf, parseCommand, parseStrict, subcommand, UsageError, type CommandGroup } from './args.js';
import { connect } from './connect.js';
import { print, printJson, table, when } from './output.js';

const HELP = `Usage:
  relay-desk sender add-domain DOMAIN       add a domain; prints the DNS TXT record to publish
  relay-desk sender check DOMAIN            look the record up; exits 1 while it is not found
  relay-desk sender add-address ADDRESS     add an address; a code is mailed to it through the upstream
  relay-desk sender confirm ADDRESS CODE    enter the code from that mail
  relay-desk sender resend-code ADDRESS     mail a new code
  relay-desk sender ed25519 DOMAIN on|off   also sign the verified domain's mail with Ed25519 (RFC 8463); prints the
                                            record to publish. Receivers that do not check Ed25519 go by the RSA signature
  relay-desk sender remove-domain DOMAIN    no longer a sender (users lose it too)
  relay-desk sender remove-address ADDRESS
  relay-desk sender list                    every sender, its status and how it was verified
  relay-desk sender code-from [ADDRESS | --default]
                                            show or choose the address codes are mailed from: a verified address,
                                            one at a verified domain, or the smarthost account's (the default)

--json: "add-domain" prints {"domain": DOMAIN, "records": [{"type": "TXT", "name": ..., "value": ...}]};
"check" prints {"domain": {...}, "verified": true|false, "reason": ...}; the others print what the API returns.

${COMMON_HELP}`;

/** Records as a DNS provider's form asks for them: type, name, value. */
function plainRecords(records: readonly DnsRecord[]): DnsRecord[] {
  return records.map(({ type, name, value }) => ({ type, name, value }));
}

function recordTable(records: readonly DnsRecord[]): string {
  return table(['TYPE', 'NAME', 'VALUE'], records.map((r) => [r.type, r.name, r.value]));
}

function dkimRecords(domain: DomainView): DnsRecord[] {
  return plainRecords(domain.records.filter((r) => r.purpose !== 'verification'));
}

const SOURCES = {
  chosen: 'chosen by you',
  'smarthost-account': "the smarthost account's address",
  'machine-name': "this machine's name, which receivers may junk: choose a verified address with relay-desk sender code-from ADDRESS",
} as const;

function codeFromText(view: CodeFromView): string {
  if (view.from === null || view.source === null) return `No verification code can be mailed. ${view.problem?.message ?? ''}`;
  return `Verification codes are mailed from ${view.from} (${SOURCES[view.source]}).`;
}

export const sendersGroup: CommandGroup = {
  name: 'sender',
  subcommands: 'add-domain|check|add-address|confirm|list|...',
  summary: 'verified sender domains and addresses',
  help: HELP,
  async run(args) {
    const sub = subcommand(
      'sender',
      args,
      ['add-domain', 'check', 'add-address', 'confirm', 'resend-code', 'ed25519', 'remove-domain', 'remove-address', 'list', 'code-from'],
      { ls: 'list', 'check-domain': 'check', 'confirm-address': 'confirm' },
    );
    const rest = args.slice(1);
    const command = `sender ${sub}`;
    switch (sub) {
      case 'add-domain': {
        const { values, positionals } = parseCommand(command, rest, {}, ['DOMAIN']);
        const api = await connect(dataDirOf(values));
        const domain = await api.call('senders.addDomain', { domain: positionals[0] ?? '' });
        const records = plainRecords(domain.records);
        if (values.json) printJson({ domain: domain.domain, records });
        else print(`Publish this DNS record for ${domain.domain}, then run: relay-desk sender check ${domain.domain}\n${recordTable(records)}`);
        return 0;
      }
      case 'check': {
        const { values, positionals } = parseCommand(command, rest, {}, ['DOMAIN']);
        const api = await connect(dataDirOf(values));
        const result = await api.call('senders.checkDomain', { domain: positionals[0] ?? '' });
        if (values.json) printJson(result);
        // Not found (yet) is a failure a script can wait on: exit 1 with the reason.
        if (!result.verified) throw new CliError(result.reason);
        if (!values.json) {
          const dkim = dkimRecords(result.domain);
          print(dkim.length > 0 ? `${result.reason}\n${recordTable(dkim)}` : result.reason);
        }
        return 0;
      }
      case 'add-address':
      case 'resend-code': {
        const { values, positionals } = parseCommand(command, rest, {}, ['ADDRESS']);
        const api = await connect(dataDirOf(values));
        const method = sub === 'add-address' ? 'senders.addAddress' : 'senders.resendCode';
        const address = await api.call(method, { address: positionals[0] ?? '' });
        if (values.json) printJson(address);
        else if (address.coveredBy) {
          print(`${address.address} needs no code: it is covered by the verified domain ${address.coveredBy}. SMTP users may be authorized to send from it now.`);
        } else print(`A code was mailed to ${address.address}; enter it with: relay-desk sender confirm ${address.address} CODE`);
        return 0;
      }
      case 'confirm': {
        const { values, positionals } = parseCommand(command, rest, {}, ['ADDRESS', 'CODE']);
        const api = await connect(dataDirOf(values));
        const address = await api.call('senders.confirmAddress', { address: positionals[0] ?? '', code: positionals[1] ?? '' });
        if (values.json) printJson(address);
        else print(`${address.address} is verified: SMTP users may now be authorized to send from it.`);
        return 0;
      }
      case 'ed25519': {
        const { values, positionals } = parseCommand(command, rest, {}, ['DOMAIN', 'on|off']);
        const [domain = '', state = ''] = positionals;
        if (state !== 'on' && state !== 'off') throw new UsageError(`say on or off, not "${state}"`, command);
        const api = await connect(dataDirOf(values));
        const view = await api.call('senders.setEd25519', { domain, on: state === 'on' });
        if (values.json) printJson(view);
        else if (view.ed25519) {
          const record = plainRecords(view.records.filter((r) => r.purpose === 'dkim-ed25519'));
          print(`${view.domain}'s mail is signed with Ed25519 beside RSA. Publish this record too:\n${recordTable(record)}`);
        } else print(`${view.domain}'s mail is signed with RSA only. The Ed25519 record can be removed from DNS.`);
        return 0;
      }
      case 'remove-domain':
      case 'remove-address': {
        const what = sub === 'remove-domain' ? 'DOMAIN' : 'ADDRESS';
        const { values, positionals } = parseCommand(command, rest, {}, [what]);
        const api = await connect(dataDirOf(values));
        const target = positionals[0] ?? '';
        const result = await (sub === 'remove-domain'
          ? api.call('senders.removeDomain', { domain: target })
          : api.call('senders.removeAddress', { address: target }));
        if (values.json) printJson(result);
        else print(`${result.removed} is no longer a sender.`);
        return 0;
      }
      case 'code-from': {
        const { values, positionals } = parseStrict(command, rest, { ...COMMON_OPTIONS, default: { type: 'boolean' } });
        if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1] ?? ''}"`, command);
        const [address] = positionals;
        if (address !== undefined && values.default) throw new UsageError('give an ADDRESS or --default, not both', command);
        const api = await connect(dataDirOf(values));
        const choosing = address !== undefined || values.default === true;
        const view = choosing
          ? await api.call('senders.setCodeFrom', { address: address ?? null })
          : (await api.call('senders.list', {})).codeFrom;
        if (values.json) printJson(view);
        else print(codeFromText(view));
        return 0;
      }
      case 'list': {
        const { values } = parseCommand(command, rest, {});
        const api = await connect(dataDirOf(values));
        const result = await api.call('senders.list', {});
        if (values.json) {
          printJson(result);
          return 0;
        }
        const rows = [
          ...result.domains.map((d) => ['domain', d.domain, d.status, d.method ?? '-', when(d.verifiedAt), when(d.addedAt)]),
          ...result.addresses.map((a) => ['address', a.address, a.coveredBy ? `covered by ${a.coveredBy}` : a.status, a.method ?? '-', when(a.verifiedAt), when(a.addedAt)]),
        ];
        if (rows.length === 0) print('No senders yet: add one with relay-desk sender add-domain DOMAIN or add-address ADDRESS');
        else print(table(['KIND', 'SENDER', 'STATUS', 'METHOD', 'VERIFIED', 'ADDED'], rows));
        return 0;
      }
    }
  },
};
