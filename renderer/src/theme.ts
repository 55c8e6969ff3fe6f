import { createTheme } from '@mui/material/styles';

/**
 * Light and dark schemes; MUI follows the system's preference. Text on the
 * warning colour is black: MUI's white on its orange is about 3:1, below
 * WCAG AA, and warning chips say what the admin still has to do. A disabled
 * field's hint stays readable: MUI greys it below WCAG contrast, yet it often
 * says why the field is disabled.
 */
export const theme = createTheme({
  colorSchemes: {
    light: { palette: { warning: { main: '#ed6c02', contrastText: '#000' } } },
    dark: { palette: { warning: { main: '#ffa726', contrastText: '#000' } } },
  },
  components: {
    MuiFormHelperText: { styleOverrides: { root: ({ theme: t }) => ({ '&.Mui-disabled:not(.Mui-error)': { color: t.palette.text.secondary } }) } },
  },
  shape: { borderRadius: 8 },
  typography: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
});
