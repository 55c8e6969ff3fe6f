/**
 * The names the admin page may be reached by. A web page on evil.example
 * whose DNS name is switched to 127.0.0.1 after it loads (DNS rebinding)
 * reaches the loopback port as a same-origin page, sending `Host:
 * evil.example`; and any page can make the browser call the port, sending its
 * own `Origin`. Accepting only the loopback names this server is reached by
 * on its own port closes both, whatever the token's fate.
 */
export interface LoopbackNames {
  /** Whether a Host header names this server. */
  host(value: string | undefined): boolean;
  /** Whether an Origin header, where a browser sent one, is this server's own page. */
  origin(value: string | undefined): boolean;
}

export function loopbackNames(port: number): LoopbackNames {
  const authorities = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const origins = new Set([...authorities].map((a) => `http://${a}`));
  return {
    host: (value) => value !== undefined && authorities.has(value.toLowerCase()),
    // Programs (the CLI, curl) send no Origin; browsers send one on every
    // cross-origin request and on every POST.
    origin: (value) => value === undefined || origins.has(value.toLowerCase()),
  };
}
