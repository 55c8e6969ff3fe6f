import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCallback, useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { MessageProperties, MessagePropertiesView } from '#api/schemas/message-properties.js';
import { Section } from '../../components/Section.js';
import { useAction } from '../../components/useAction.js';
import { useApiData } from '../../components/useApiData.js';
import { DecorationFields } from './DecorationFields.js';
import { MessagePreview } from './MessagePreview.js';

const FIELDS = ['header.text', 'header.html', 'footer.text', 'footer.html'] as const;

export interface MessagePropertiesScreenProps {
  client: ApiClient;
  /** The list chosen at the top; '' (all lists): the properties new lists start with. */
  list: string;
}

/** MailUp's message properties: a header and a footer the relay adds to every message of a list, with a preview. */
export function MessagePropertiesScreen({ client, list }: MessagePropertiesScreenProps) {
  const load = useCallback(() => client.call('messageProperties.get', list ? { list } : {}), [client, list]);
  const { value, error } = useApiData(load);
  if (error) return <Alert severity="error">{error}</Alert>;
  if (!value) return <LinearProgress aria-label="loading the message properties" />;
  // A fresh form per list (and per load): nothing typed for one list is saved to another.
  return <PropertiesForm key={value.list ?? ''} client={client} saved={value} />;
}

const propertiesOf = ({ header, footer }: MessageProperties): MessageProperties => ({ header, footer });

function PropertiesForm({ client, saved: initial }: { client: ApiClient; saved: MessagePropertiesView }) {
  const [saved, setSaved] = useState(initial);
  const [form, setForm] = useState(() => propertiesOf(initial));
  const [done, setDone] = useState(false);
  const action = useAction(FIELDS);
  const changed = JSON.stringify(form) !== JSON.stringify(propertiesOf(saved));
  const edit = (next: MessageProperties) => {
    setForm(next);
    setDone(false);
  };
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    void action
      .run(async () => {
        const view = await client.call('messageProperties.set', { ...(saved.list === null ? {} : { list: saved.list }), ...form });
        setSaved(view);
        setForm(propertiesOf(view));
      })
      .then(setDone);
  };
  const forNewLists = saved.list === null;
  return (
    <Stack spacing={3}>
      <Section
        id="properties-title"
        title={forNewLists ? 'Message properties of new lists' : `Message properties of ${saved.list}`}
        intro={
          forNewLists
            ? 'New lists start with this header and footer. Choose a list at the top to change its own.'
            : 'The relay adds the header and footer to every message this list’s users send: the text version to the first plain-text part, the HTML version to the first HTML part; attachments are never touched. A message’s X-SMTPAPI header can leave one out ({"Footer": false}) or add one that is switched off ({"Footer": true}), where it is written here.'
        }
        bar={action.busy && <LinearProgress aria-label="saving the message properties" />}
      >
        <Stack component="form" onSubmit={submit} noValidate spacing={3} aria-labelledby="properties-title">
          <DecorationFields which="header" value={form.header} onChange={(header) => edit({ ...form, header })} action={action} />
          <Divider />
          <DecorationFields which="footer" value={form.footer} onChange={(footer) => edit({ ...form, footer })} action={action} />
          {action.problem && <Alert severity="error">{action.problem}</Alert>}
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
            <Button type="submit" variant="contained" disabled={action.busy || !changed}>
              {action.busy ? 'Saving…' : 'Save'}
            </Button>
            <Button onClick={() => edit(propertiesOf(saved))} disabled={action.busy || !changed}>
              Undo changes
            </Button>
            {done && !changed && (
              <Typography role="status" color="success.main">
                {forNewLists ? 'Saved: lists made from now on start with these.' : 'Saved: the relay adds them from the next message on.'}
              </Typography>
            )}
          </Stack>
        </Stack>
      </Section>
      <MessagePreview properties={form} />
    </Stack>
  );
}
