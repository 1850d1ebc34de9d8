/**
 * Which upload links the client follows. A create (or version) answer names the host that gets
 * every byte of the file: a link on a foreign host would get the whole file while Vimeo's video
 * stays empty. The rules:
 *
 * - the link must be https, unless the API itself is plain http on loopback (the sandbox);
 * - when the API is Vimeo's own (`vimeo.com` or a subdomain), the link's host must be `vimeo.com`
 *   or a subdomain of it (Vimeo's upload hosts are `*.tus.vimeo.com`).
 *
 * A refusal names the link's host, never the link (its path is a capability).
 */
import { TusError } from '../errors.js';
import { isLoopbackHost } from './api-url.js';

/** `vimeo.com` or any subdomain of it. */
export function isVimeoHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'vimeo.com' || host.endsWith('.vimeo.com');
}

/**
 * Throws TusError `E_UPLOAD_LINK_REFUSED` unless `uploadLink` may get the bytes of an upload made
 * through the API at `apiUrl` (rules above). `where` says where the link came from, for the message.
 */
export function assertUploadLinkAllowed(apiUrl: string, uploadLink: string, where: string): void {
  let link: URL;
  try {
    link = new URL(uploadLink);
  } catch {
    throw new TusError('E_UPLOAD_LINK_REFUSED', `${where} names an upload link that is not a valid URL`);
  }
  const api = new URL(apiUrl);
  const plainLoopbackApi = api.protocol === 'http:' && isLoopbackHost(api.hostname);
  const host = link.host || '(no host)';
  if (link.protocol !== 'https:' && !(plainLoopbackApi && link.protocol === 'http:')) {
    throw new TusError(
      'E_UPLOAD_LINK_REFUSED',
      `${where} names an upload link on ${host} over ${link.protocol.replace(/:$/, '')}, not https: ` +
        'refused, nothing was sent there (the file would cross the network in clear text, or go ' +
        'somewhere else than Vimeo).',
    );
  }
  if (isVimeoHost(api.hostname) && !isVimeoHost(link.hostname)) {
    throw new TusError(
      'E_UPLOAD_LINK_REFUSED',
      `${where} names an upload link on ${host}, which is not a Vimeo host (vimeo.com or a subdomain): ` +
        'refused, nothing was sent there.',
    );
  }
}
