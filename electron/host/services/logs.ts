/** Where the logs are, and "Open log folder" where the app can show a folder. */
import { ApiError, type ApiImplementation } from '../../api/contract.js';
import type { LogsView } from '../../api/schemas/logs.js';

export function logsService(folder: string, openFolder?: (path: string) => Promise<string>): Pick<ApiImplementation, 'logs.location' | 'logs.open'> {
  const view: LogsView = { folder, canOpen: openFolder !== undefined };
  return {
    'logs.location': () => Promise.resolve(view),
    'logs.open': async () => {
      if (!openFolder) throw new ApiError('not_supported', `Relay Desk cannot open a folder from here; its logs are in ${folder}.`);
      const problem = await openFolder(folder);
      if (problem) throw new ApiError('not_supported', `The logs folder ${folder} could not be opened: ${problem}`);
      return view;
    },
  };
}
