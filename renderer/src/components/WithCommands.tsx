import Box from '@mui/material/Box';

/** The host's words, with each `command` it names shown as code to copy. */
export function WithCommands({ text }: { text: string }) {
  return text.split('`').map((part, i) =>
    i % 2 === 1 ? (
      <Box key={i} component="code" sx={{ fontFamily: 'monospace', fontSize: '0.85rem', overflowWrap: 'anywhere', userSelect: 'all' }}>
        {part}
      </Box>
    ) : (
      part
    ),
  );
}
