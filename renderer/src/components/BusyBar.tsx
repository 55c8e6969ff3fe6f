import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';

/** A thin progress bar while a call runs; the same height when idle, so nothing jumps. */
export function BusyBar({ busy, label }: { busy: boolean; label: string }) {
  return busy ? <LinearProgress aria-label={label} /> : <Box sx={{ height: 4 }} />;
}
