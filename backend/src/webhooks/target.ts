import { isIP } from 'node:net';

/**
 * Whether a webhook may point there. Outside the allowed case, loopback, private, link-local and unique-local
 * addresses (and `localhost`) are refused, so that a vocabulary owner cannot make the server call into its
 * own network. Names are checked as written: a public name that resolves to a private address is not caught
 * here (DNS rebinding); deployments that need that guarantee put an egress proxy in front.
 */
export function privateTarget(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const version = isIP(host);
  if (version === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (version === 6)
    return (
      host === '::1' ||
      host === '::' ||
      host.startsWith('fc') ||
      host.startsWith('fd') ||
      host.startsWith('fe80') ||
      host.startsWith('::ffff:')
    );
  return false;
}
