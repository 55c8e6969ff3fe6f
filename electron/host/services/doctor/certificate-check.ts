/**
 * The relay's certificate as a mail client meets it: the names it is made
 * out for, when it expires, and whether clients will warn because no
 * authority vouches for it (self-signed, as the one made on first run).
 */
import { X509Certificate } from 'node:crypto';
import type { DoctorCheck } from '../../../api/schemas/doctor.js';
import type { HostContext } from '../../context.js';
import { certificateBlocks, storedCertificateView } from '../server/certificate.js';
import { lanAddresses } from '../server/lan-addresses.js';

const DAY_MS = 86_400_000;
/** Renewing takes an admin a while (a CA, a device's trust store): a month's notice. */
const EXPIRY_WARNING_DAYS = 30;

export function certificateCheck(ctx: HostContext, now = new Date()): DoctorCheck {
  const base = { id: 'certificate', title: 'TLS certificate' };
  const tls = ctx.store.data.server.tls;
  const view = storedCertificateView(tls);
  const first = tls ? certificateBlocks(tls.cert)[0] : undefined;
  if (!tls || !view || !first) {
    return { ...base, status: 'problem', summary: 'The relay has no usable certificate: STARTTLS and TLS ports cannot work.', fix: 'Make a new one on the Server screen (Certificate, Regenerate) or import yours.', details: [] };
  }
  const x509 = new X509Certificate(first);
  // checkIssued would also want a CA's key usage, which a self-signed server certificate lacks.
  const selfSigned = x509.issuer === x509.subject && x509.verify(x509.publicKey);
  const machine = [ctx.hostname(), ...lanAddresses()];
  const named = machine.filter((n) => view.names.some((c) => c.toLowerCase() === n.toLowerCase()));
  const daysLeft = Math.floor((Date.parse(view.notAfter) - now.getTime()) / DAY_MS);
  const details = [
    `Names: ${view.names.join(', ') || 'none'}`,
    `Valid ${view.notBefore.slice(0, 10)} to ${view.notAfter.slice(0, 10)}`,
    `Issuer: ${selfSigned ? 'itself (self-signed)' : x509.issuer.replace(/\n/g, ', ')}`,
    `SHA-256 fingerprint: ${view.fingerprint}`,
    ...(view.ecdsaFingerprint ? [`Offered as ${view.algorithms.join(' and ')}; ECDSA SHA-256 fingerprint: ${view.ecdsaFingerprint}`] : []),
  ];
  const check = (status: DoctorCheck['status'], summary: string, fix: string | null): DoctorCheck => ({ ...base, status, summary, fix, details });
  if (daysLeft < 0) return check('problem', `The certificate expired on ${view.notAfter.slice(0, 10)}: clients that check it refuse to connect.`, 'Regenerate it on the Server screen, or import a renewed one.');
  if (Date.parse(view.notBefore) > now.getTime()) return check('problem', `The certificate is not valid before ${view.notBefore.slice(0, 10)}.`, "Check this computer's clock, or regenerate the certificate.");
  if (daysLeft < EXPIRY_WARNING_DAYS) return check('warning', `The certificate expires in ${daysLeft} days (${view.notAfter.slice(0, 10)}).`, 'Renew it before then: regenerate it on the Server screen or import a renewed one.');
  if (named.length === 0) {
    return check('warning', `The certificate names ${view.names.join(', ')}, not this computer (${machine.join(', ')}): clients that check names will warn.`, 'Regenerate it on the Server screen: the new one names this computer and its addresses.');
  }
  if (selfSigned) {
    return check(
      'warning',
      `The certificate is self-signed (valid until ${view.notAfter.slice(0, 10)}): mail programs that check certificates will warn or refuse; most scanners accept it.`,
      'Where a mail program warns, accept the certificate once after comparing its fingerprint below, or import one from an authority your devices trust (Server, Certificate).',
    );
  }
  return check('ok', `The certificate names ${named.join(', ')} and is valid until ${view.notAfter.slice(0, 10)}.`, null);
}
