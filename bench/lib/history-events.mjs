/**
 * The message history bench's generated mail (bench/history.mjs): a
 * deterministic stream of messages over a month, each as the events the
 * relay sends for it (accepted, sending, attempt, delivered or bounced).
 */
import { LISTS } from './seeded-host.mjs';

const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka'];
const SUBJECTS = [
  (n) => `Invoice ${n} from ${COMPANIES[n % COMPANIES.length]}`,
  (n) => `Ticket #${n} solved`,
  (n, r) => `Your order ${Math.floor(r() * 0xffffffff).toString(16)} has shipped`,
  (n) => `Scan from printer ${n % 40} at 2026-11-${String((n % 28) + 1).padStart(2, '0')}`,
  () => 'Weekly report',
  (n) => `Password reset for person${n % 5000}@client${n % 300}.example`,
  (n) => `Meeting notes ${COMPANIES[n % COMPANIES.length]} / ${COMPANIES[(n + 3) % COMPANIES.length]}`,
];

const recipientOf = (k) => `person${k}@client${k % 300}.example`;

/** One message's events, as the relay sends them, with the time of each. */
export function eventsOf(i, at, r, users) {
  const id = `${at.toString(36).toUpperCase()}${i.toString(36).toUpperCase().padStart(4, '0')}`;
  const userIndex = Math.floor(r() * users.length);
  const user = users[userIndex];
  const domain = `d${userIndex % 20}.bench.example`;
  const sender = r() < 0.7 ? `user${userIndex}@${domain}` : `info@${domain}`;
  const count = r() < 0.8 ? 1 : r() < 0.7 ? 2 : 3;
  const to = Array.from({ length: count }, () => recipientOf(Math.floor(r() * 5000)));
  const code = r() < 0.1 ? `CAMP${Math.floor(r() * 12)}` : undefined;
  const events = [
    {
      type: 'accepted',
      id,
      session: 'S',
      user,
      via: 'auth',
      list: LISTS[userIndex % LISTS.length],
      envelope: { from: sender, to },
      from: sender,
      fromName: `User ${userIndex}`,
      subject: SUBJECTS[i % SUBJECTS.length](i, r),
      size: 2000 + Math.floor(r() * 50_000),
      tls: r() < 0.9,
      priority: 3,
      campaign: code ? { code } : null,
      addedHeaders: [`Message-ID: <${id}@relay.bench.example>`],
    },
  ];
  const roll = r();
  const sent = at + 200;
  events.push({ type: 'sending', id });
  const results = to.map((recipient, k) => {
    const bounced = roll >= 0.97 && (roll >= 0.985 || k > 0);
    return { recipient, status: bounced ? 'failed' : 'delivered', code: bounced ? 550 : 250, response: bounced ? '550 5.1.1 No such user' : '250 2.0.0 Ok: queued' };
  });
  events.push({ type: 'attempt', id, startedAt: new Date(sent).toISOString(), durationMs: 40, remoteHost: 'smtp.upstream.example:587', results });
  const delivered = results.filter((x) => x.status === 'delivered').map((x) => x.recipient);
  const bounced = results.filter((x) => x.status === 'failed').map((x) => x.recipient);
  if (delivered.length > 0) events.push({ type: 'delivered', id, recipients: delivered, response: '250 2.0.0 Ok: queued' });
  if (bounced.length > 0) events.push({ type: 'bounced', id, recipients: bounced, reason: '550 5.1.1 No such user', bounceId: null });
  return { id, to, events: events.map((event) => ({ event, at: event.type === 'accepted' ? at : sent })) };
}
