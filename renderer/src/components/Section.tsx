import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';

export interface SectionProps {
  /** The heading's id, which names the section. */
  id: string;
  title: ReactNode;
  /** A line under the heading; without it the content brings its own spacing. */
  intro?: ReactNode;
  /** Shown edge to edge above the content, such as a progress bar. */
  bar?: ReactNode;
  children: ReactNode;
}

/** One card of a screen: a section named by its heading. */
export function Section({ id, title, intro, bar, children }: SectionProps) {
  return (
    <Card variant="outlined" component="section" aria-labelledby={id}>
      {bar}
      <CardContent>
        <Typography variant="h6" component="h2" id={id}>
          {title}
        </Typography>
        {intro && (
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            {intro}
          </Typography>
        )}
        {children}
      </CardContent>
    </Card>
  );
}
