import { useEffect, useState } from 'react';
import { connect, type Connection } from './connect.js';
import { hasTokenInAddress } from './http-transport.js';

/**
 * The page's connection to the host, made again when a `#token=` link is
 * opened in this tab: the browser only changes the fragment then, without
 * reloading, so the page would otherwise keep asking for the token.
 */
export function useConnection(): Connection {
  const [connection, setConnection] = useState(connect);
  useEffect(() => {
    const reconnect = () => {
      if (hasTokenInAddress()) setConnection(connect());
    };
    window.addEventListener('hashchange', reconnect);
    return () => window.removeEventListener('hashchange', reconnect);
  }, []);
  return connection;
}
