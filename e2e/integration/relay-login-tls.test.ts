/**
 * A port that takes logins only over TLS never invites a password in clear:
 * EHLO offers AUTH only once STARTTLS is done, and a client that logs in
 * unasked is refused with 538 5.7.11 and recorded. A port the admin opened to
 * clear-text logins offers AUTH at once.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { ListenerConfig } from '../../relay/protocol.js';
import { relayUser, startRelayChild, type RelayChild, type TestUser } from '../fixtures/relay-child.js';
import { plainAuth, rawSmtp } from '../fixtures/raw-smtp.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { testCertificate } from '../fixtures/tls.js';

const USER: TestUser = { name: 's400_0', password: 'Only.0ver-TLS' };

async function relayWith(t: TestContext, listener: Pick<ListenerConfig, 'encryption' | 'requireTlsForAuth'>): Promise<RelayChild> {
  return startRelayChild(t, { listener, tls: await testCertificate(), users: [await relayUser(USER)] });
}

/** The EHLO capabilities swaks saw before TLS (`<-`) and after it (`<~`). */
async function capabilities(port: number): Promise<{ plain: string[]; secured: string[] }> {
  const { output } = await swaks(port, ['--tls', '--quit-after', 'HELO']);
  const lines = (marker: string) => output.split('\n').filter((l) => l.startsWith(`${marker}  250`)).map((l) => l.slice(8));
  return { plain: lines('<-'), secured: lines('<~') };
}

for (const encryption of ['starttls', 'starttls-required'] as const) {
  test(`${encryption}, logins only over TLS: AUTH is offered only after STARTTLS; a login sent unasked gets 538 5.7.11 and is recorded`, async (t) => {
    const relay = await relayWith(t, { encryption, requireTlsForAuth: encryption === 'starttls' });
    const { plain, secured } = await capabilities(relay.port);
    assert.ok(plain.includes('STARTTLS'), plain.join(' | '));
    assert.ok(!plain.some((c) => c.startsWith('AUTH')), `no AUTH before TLS: ${plain.join(' | ')}`);
    assert.ok(secured.includes('AUTH PLAIN LOGIN'), `AUTH after TLS: ${secured.join(' | ')}`);

    const smtp = await rawSmtp(relay.port);
    t.after(() => smtp.close());
    await smtp.reply();
    await smtp.command('EHLO device.test');
    const refused = await smtp.command(`AUTH PLAIN ${plainAuth(USER.name, USER.password)}`);
    assert.deepEqual(refused, { code: 538, text: '538 5.7.11 Encryption required: use STARTTLS before logging in' });
    const rejected = await relay.waitForEvent('rejected', (e) => e.stage === 'auth');
    assert.equal(rejected.code, 538);
    // Refused at the command: no 334 prompt asks for a user name and password to be sent in clear.
    assert.equal((await smtp.command('AUTH LOGIN')).code, 538);
  });
}

for (const listener of [
  { encryption: 'starttls', requireTlsForAuth: false },
  { encryption: 'none', requireTlsForAuth: false },
] as const) {
  test(`${listener.encryption}, clear-text logins allowed by the admin: AUTH is offered at once and works`, async (t) => {
    const relay = await relayWith(t, listener);
    const smtp = await rawSmtp(relay.port);
    t.after(() => smtp.close());
    await smtp.reply();
    const ehlo = await smtp.command('EHLO device.test');
    assert.match(ehlo.text, /^250-AUTH PLAIN LOGIN$/m);
    assert.equal((await smtp.command(`AUTH PLAIN ${plainAuth(USER.name, USER.password)}`)).code, 235);
  });
}
