import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import type { ServerView } from '#api/schemas/server.js';
import { CopyButton } from '../../components/CopyButton.js';

type Certificate = NonNullable<ServerView['tls']>;

const DAY_MS = 24 * 3600_000;

function day(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
}

/** The expiry date and how far off it is, in warning colours when it is near. */
function Expiry({ notAfter }: { notAfter: string }) {
  const days = Math.floor((new Date(notAfter).getTime() - Date.now()) / DAY_MS);
  const when = days < 0 ? 'expired' : days === 0 ? 'expires today' : `in ${days} day${days === 1 ? '' : 's'}`;
  return (
    <Typography color={days < 30 ? 'warning.main' : undefined} data-testid="certificate-expiry">
      {day(notAfter)} ({when})
    </Typography>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'baseline' }}>
      <Typography component="dt" color="text.secondary" sx={{ width: 110, flexShrink: 0 }}>
        {label}
      </Typography>
      <Stack component="dd" sx={{ m: 0, minWidth: 0 }}>
        {children}
      </Stack>
    </Stack>
  );
}

function Fingerprint({ value, testId, what }: { value: string; testId: string; what: string }) {
  return (
    <Stack direction="row" sx={{ alignItems: 'center', minWidth: 0 }}>
      <Typography data-testid={testId} sx={{ fontFamily: 'monospace', fontSize: '0.8rem', wordBreak: 'break-all', userSelect: 'all' }}>
        {value}
      </Typography>
      <CopyButton text={value} what={what} />
    </Stack>
  );
}

/**
 * What identifies the certificate mail clients are shown: where it came from,
 * its keys, fingerprints, names and validity. A generated one is offered as
 * RSA and ECDSA: a client sees the ECDSA fingerprint when it supports ECDSA.
 */
export function CertificateDetails({ tls }: { tls: Certificate }) {
  return (
    <Stack component="dl" spacing={0.75} sx={{ my: 0 }}>
      <Row label="Source">
        <Typography data-testid="certificate-source">
          {tls.source === 'generated' ? 'Self-signed, made by Relay Desk' : 'Imported'}
        </Typography>
      </Row>
      <Row label="Names">
        <Typography data-testid="certificate-names">{tls.names.join(', ') || 'none'}</Typography>
      </Row>
      <Row label="Offered as">
        <Typography data-testid="certificate-algorithms">{tls.algorithms.join(' and ')}</Typography>
      </Row>
      <Row label={tls.ecdsaFingerprint ? 'RSA fingerprint' : 'Fingerprint'}>
        <Fingerprint value={tls.fingerprint} testId="certificate-fingerprint" what="fingerprint" />
      </Row>
      {tls.ecdsaFingerprint && (
        <Row label="ECDSA fingerprint">
          <Fingerprint value={tls.ecdsaFingerprint} testId="certificate-ecdsa-fingerprint" what="ECDSA fingerprint" />
        </Row>
      )}
      <Row label="Valid from">
        <Typography>{day(tls.notBefore)}</Typography>
      </Row>
      <Row label="Expires">
        <Expiry notAfter={tls.notAfter} />
      </Row>
    </Stack>
  );
}
