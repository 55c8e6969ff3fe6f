import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import { useEffect, useState } from 'react';
import { copyText } from './copy.js';
import { CopyIcon } from './icons.js';

type Outcome = 'idle' | 'copied' | 'failed';

/** A copy button that says "Copied" only when the clipboard took the text. */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [outcome, setOutcome] = useState<Outcome>('idle');
  const [hovered, setHovered] = useState(false);
  useEffect(() => {
    if (outcome === 'idle') return;
    const timer = setTimeout(() => setOutcome('idle'), 2500);
    return () => clearTimeout(timer);
  }, [outcome]);
  const title =
    outcome === 'copied' ? 'Copied' : outcome === 'failed' ? 'Could not copy: select the text and copy it by hand' : `Copy ${what}`;
  return (
    <Tooltip
      title={title}
      open={hovered || outcome !== 'idle'}
      onOpen={() => setHovered(true)}
      onClose={() => setHovered(false)}
      placement="right"
      arrow
    >
      <IconButton
        size="small"
        aria-label={`Copy ${what}`}
        color={outcome === 'copied' ? 'success' : outcome === 'failed' ? 'warning' : 'default'}
        onClick={() => void copyText(text).then((done) => setOutcome(done ? 'copied' : 'failed'))}
      >
        <CopyIcon fontSize="small" />
      </IconButton>
    </Tooltip>
  );
}
