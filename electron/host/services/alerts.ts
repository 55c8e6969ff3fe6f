/**
 * The alert center's API (../../api/schemas/alerts.ts): rules, channels
 * (a webhook's signing secret made here, kept in the vault, and answered
 * once), a test alert, the history. Sending is ../alerts/alert-center.ts.
 */
import { randomBytes } from 'node:crypto';
import { ApiError, type ApiImplementation } from '../../api/contract.js';
import type { AlertChannel, AlertsView } from '../../api/schemas/alerts.js';
import type { AlertCenter } from '../alerts/alert-center.js';
import type { AlertHistory } from '../alerts/history-file.js';
import { checkWebhookUrl, newWebhookSecret } from '../alerts/webhook.js';
import type { HostContext } from '../context.js';
import type { StoreData } from '../store/schema.js';
import { vaultNames } from '../vault-names.js';
import { mustFindList } from './lists.js';
import { codeMailFrom } from './senders/code-from.js';
import { checkAddress, parseAddress } from './senders/names.js';
import { addressMaySend } from './senders/status.js';

type AlertsApi = Pick<ApiImplementation, 'alerts.get' | 'alerts.rule.set' | 'alerts.channel.add' | 'alerts.channel.remove' | 'alerts.test' | 'alerts.history'>;

/** Verified addresses, and an alerts@ address at each verified domain (which vouches for every address at it). */
function fromChoices(ctx: HostContext): string[] {
  const data = ctx.store.data;
  const choices = data.senders.addresses.map((a) => a.address).filter((a) => addressMaySend(data, a));
  for (const d of data.senders.domains) if (d.status === 'verified' && !choices.includes(`alerts@${d.domain}`)) choices.push(`alerts@${d.domain}`);
  const codeFrom = codeMailFrom(ctx);
  if (codeFrom.ok && !choices.includes(codeFrom.from) && addressMaySend(data, codeFrom.from)) choices.unshift(codeFrom.from);
  return choices;
}

function view(ctx: HostContext): AlertsView {
  const { rules, channels } = ctx.store.data.alerts;
  return { rules: structuredClone(rules), channels: structuredClone(channels), fromChoices: fromChoices(ctx) };
}

function newChannelId(): string {
  return `ch_${randomBytes(6).toString('hex')}`;
}

function recipients(input: string[]): string[] {
  return input.map((a) => {
    const checked = checkAddress(a);
    if (!checked.ok) throw new ApiError('invalid_address', checked.message, 'to');
    return checked.address;
  });
}

function verifiedFrom(data: Readonly<StoreData>, input: string): string {
  const from = parseAddress(input);
  if (!addressMaySend(data, from)) {
    throw new ApiError('sender_not_verified', `${from} is not a verified sender: verify it (or its domain) under Senders first, then choose it to send alerts from.`, 'from');
  }
  return from;
}

export function alertsService(ctx: HostContext, center: AlertCenter, history: AlertHistory): AlertsApi {
  const { store } = ctx;
  return {
    'alerts.get': () => Promise.resolve(view(ctx)),

    'alerts.rule.set': async ({ kind, list, on, threshold, queueThreshold }) => {
      const listName = list === undefined ? null : mustFindList(store.data.lists, list, 'list').name;
      await store.update((draft) => {
        const rules = draft.alerts.rules;
        let rule = rules.find((r) => r.kind === kind && r.list === listName);
        if (!rule) {
          // A list's own rule starts as the one for every list.
          const general = rules.find((r) => r.kind === kind && r.list === null);
          rule = { kind, list: listName, on, threshold: general?.threshold ?? null, queueThreshold: general?.queueThreshold ?? null };
          rules.push(rule);
        }
        rule.on = on;
        if (threshold !== undefined) {
          if (rule.threshold === null) throw new ApiError('invalid_option', `Alerts of kind ${kind} have no threshold.`, 'threshold');
          rule.threshold = threshold;
        }
        if (queueThreshold !== undefined) {
          if (rule.queueThreshold === null) throw new ApiError('invalid_option', `Only delivery-problem alerts have a queue threshold.`, 'queueThreshold');
          rule.queueThreshold = queueThreshold;
        }
      });
      return view(ctx);
    },

    'alerts.channel.add': async (input) => {
      const base = { id: newChannelId(), frequency: input.frequency, addedAt: new Date().toISOString() };
      let channel: AlertChannel;
      let secret: string | null = null;
      if (input.type === 'email') channel = { ...base, type: 'email', to: recipients(input.to), from: verifiedFrom(store.data, input.from) };
      else if (input.type === 'webhook') {
        channel = { ...base, type: 'webhook', url: checkWebhookUrl(input.url), deliveryEvents: input.deliveryEvents };
        secret = newWebhookSecret();
        const key = secret;
        // The secret first: a channel in the settings never lacks its secret.
        await ctx.vault.change((v) => v.set(vaultNames.webhookSecret(base.id), key));
      } else channel = { ...base, type: 'desktop' };
      await store.update((draft) => {
        if (channel.type === 'email') verifiedFrom(draft, channel.from);
        if (channel.type === 'desktop' && draft.alerts.channels.some((c) => c.type === 'desktop')) {
          throw new ApiError('already_exists', 'Desktop notifications are on already.', 'type');
        }
        draft.alerts.channels.push(channel);
      });
      return { channel, secret };
    },

    'alerts.channel.remove': async ({ id }) => {
      await store.update((draft) => {
        const at = draft.alerts.channels.findIndex((c) => c.id === id);
        if (at < 0) throw new ApiError('not_found', `There is no alert channel ${id}.`, 'id');
        draft.alerts.channels.splice(at, 1);
      });
      await ctx.vault.change((v) => v.delete(vaultNames.webhookSecret(id)));
      return view(ctx);
    },

    'alerts.test': async ({ id }) => {
      if (id !== undefined && !store.data.alerts.channels.some((c) => c.id === id)) throw new ApiError('not_found', `There is no alert channel ${id}.`, 'id');
      if (store.data.alerts.channels.length === 0) throw new ApiError('not_found', 'There is no alert channel to test: add one first.');
      return { results: await center.test(id) };
    },

    'alerts.history': ({ limit }) => Promise.resolve({ entries: history.list(limit) }),
  };
}
