/**
 * "Send a test message": handed to the relay exactly as a device would hand
 * it over, through an SMTP session on one of the relay's own ports with the
 * user's login, so the relay's own login check, sender rule and limits
 * decide, and the message enters the history like any other. What happens
 * next (sending, the upstream's answer, delivered, deferred or bounced) the
 * caller follows through the history by the queue id returned here.
 */
import { ApiError, type ListenerState, type MethodInput, type RelayState } from '../../../api/contract.js';
import type { TestMessageResult } from '../../../api/schemas/doctor.js';
import type { HostContext } from '../../context.js';
import { canSend } from './can-send.js';

/** Each step of the submission (connect, greeting, every reply) gets this long. */
const SUBMIT_TIMEOUT_MS = 15_000;

/** A port a program on this computer can reach, the relay's first open one. */
function submissionPort(state: RelayState): ListenerState {
  const open = state.listeners.find((l) => l.status === 'listening');
  if (state.status !== 'running' || !open) throw new ApiError('relay_not_running', 'The relay is not running right now (or has no open port); a test message can be sent once it has started.');
  return open;
}

function loopbackFor(address: string): string {
  if (address === '0.0.0.0' || address === '') return '127.0.0.1';
  if (address === '::') return '::1';
  return address;
}

interface SubmitError extends Error {
  code?: string;
  response?: string;
}

function body(ctx: HostContext, input: MethodInput<'doctor.sendTestMessage'>, at: Date): string {
  return [
    `This is a test message sent from the Troubleshooting screen of Relay Desk on ${ctx.hostname()} at ${at.toISOString()},`,
    `as the SMTP user ${input.user} from ${input.from} to ${input.to}.`,
    '',
    'If it arrived, mail from this sender through this relay is delivered. No reply is needed.',
  ].join('\n');
}

export async function sendTestMessage(ctx: HostContext, state: RelayState, input: MethodInput<'doctor.sendTestMessage'>): Promise<TestMessageResult> {
  const rule = canSend(ctx, { user: input.user, address: input.from });
  if (!rule.allowed) return { sent: false, id: null, reply: null, explanation: `${rule.explanation}${rule.fix ? ` ${rule.fix}` : ''}` };
  const listener = submissionPort(state);
  // nodemailer is loaded on the first test message, not at the host's start (~60 ms).
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: loopbackFor(listener.address),
    port: listener.port,
    secure: listener.encryption === 'tls',
    name: ctx.hostname(),
    auth: { user: input.user, pass: input.password },
    // The relay's own certificate, often self-signed: the session stays on this computer.
    tls: { rejectUnauthorized: false },
    connectionTimeout: SUBMIT_TIMEOUT_MS,
    greetingTimeout: SUBMIT_TIMEOUT_MS,
    socketTimeout: SUBMIT_TIMEOUT_MS,
  });
  const at = new Date();
  try {
    const info = await transport.sendMail({
      envelope: { from: input.from, to: [input.to] },
      from: input.from,
      to: input.to,
      subject: `Relay Desk test message (${at.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
      text: body(ctx, input, at),
    });
    const reply = info.response;
    const id = /queued as (\S+)/.exec(reply)?.[1] ?? null;
    return { sent: true, id, reply, explanation: `The relay took the message as ${input.user} on port ${listener.port}${id ? ` (queue id ${id})` : ''}.` };
  } catch (err) {
    const e = err as SubmitError;
    const reply = e.response ?? null;
    const what = e.code === 'EAUTH' ? `The relay refused the login as ${input.user}` : 'The relay refused the message';
    return { sent: false, id: null, reply, explanation: `${what}: ${reply ?? e.message}.` };
  } finally {
    transport.close();
  }
}
