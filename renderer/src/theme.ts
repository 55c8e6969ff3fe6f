import { createTheme } from '@mui/material/styles';

/** Light and dark schemes; MUI follows the system's preference. */
export const theme = createTheme({
  colorSchemes: { light: true, dark: true },
  shape: { borderRadius: 8 },
  typography: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
});
