import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { MessageProperties } from '#api/schemas/message-properties.js';
import { Section } from '../../components/Section.js';
import { sampleHtml, sampleText } from './sample.js';

const PANE = { border: 1, borderColor: 'divider', borderRadius: 1, minHeight: 240, flex: 1, minWidth: 280 } as const;

/** A sample message as the list's users' recipients get it, in both versions, from what the form holds now (saved or not). */
export function MessagePreview({ properties }: { properties: MessageProperties }) {
  return (
    <Section id="preview-title" title="Preview" intro="A sample message as recipients get it, with what is switched on above (saved or not). Remote images and scripts are never loaded here.">
      <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap' }}>
        <Stack spacing={1} sx={{ flex: 1, minWidth: 280 }}>
          <Typography variant="subtitle2" component="h3" id="preview-text-title">
            Plain text version
          </Typography>
          <Box component="pre" aria-labelledby="preview-text-title" tabIndex={0} sx={{ ...PANE, m: 0, p: 1.5, whiteSpace: 'pre-wrap', fontSize: 14, overflow: 'auto' }}>
            {sampleText(properties)}
          </Box>
        </Stack>
        <Stack spacing={1} sx={{ flex: 1, minWidth: 280 }}>
          <Typography variant="subtitle2" component="h3">
            HTML version
          </Typography>
          {/* sandbox="" : no scripts, no forms, no navigation, an origin of its own. */}
          <Box component="iframe" title="HTML version of the sample message" sandbox="" srcDoc={sampleHtml(properties)} sx={{ ...PANE, bgcolor: '#fff' }} />
        </Stack>
      </Stack>
    </Section>
  );
}
