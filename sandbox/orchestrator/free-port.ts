import { createServer } from 'node:net';

/**
 * Asks the OS for a free TCP port on `host` and releases it at once. Needed because the amoCRM emulator must
 * know the proxy's address (redirect URI, host page) before the proxy listens, and the proxy must know the
 * emulator's: one side's port has to be chosen first. Another process could grab the port in the short gap
 * before the proxy binds it; the proxy then fails to start with EADDRINUSE (a loud failure, not a wrong one).
 */
export async function reserveFreePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not reserve a TCP port');
  return address.port;
}
