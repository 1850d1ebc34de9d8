import { describe, expect, it } from 'vitest';
import { resolveCliConfig } from '../../src/config/cli-config.js';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_API_URL } from '../../src/vimeo/api-url.js';

const files: Record<string, string> = { '/t/token': '  file-token-123\n', '/t/empty': '\n' };
const readTextFile = async (path: string): Promise<string> => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  return text;
};

describe('resolveCliConfig', () => {
  it('takes the token from VIMEO_TOKEN and the default API URL', async () => {
    const config = await resolveCliConfig({ env: { VIMEO_TOKEN: 'env-token-1' }, flags: {}, readTextFile });
    expect(config).toMatchObject({ token: 'env-token-1', tokenSource: 'env', apiUrl: DEFAULT_API_URL });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('prefers --token-file over VIMEO_TOKEN and trims it', async () => {
    const config = await resolveCliConfig({
      env: { VIMEO_TOKEN: 'env-token-1' },
      flags: { tokenFile: '/t/token' },
      readTextFile,
    });
    expect(config.token).toBe('file-token-123');
    expect(config.tokenSource).toBe('token-file');
  });

  it('takes VIMEO_API_URL without a trailing slash, and the state dir flag over the env', async () => {
    const config = await resolveCliConfig({
      env: {
        VIMEO_TOKEN: 't0k3n',
        VIMEO_API_URL: 'http://127.0.0.1:9999/',
        VIMEO_TUS_STATE_DIR: '/env/state',
      },
      flags: { stateDir: '/flag/state' },
      readTextFile,
    });
    expect(config.apiUrl).toBe('http://127.0.0.1:9999');
    expect(config.stateDir).toBe('/flag/state');
    const fromEnv = await resolveCliConfig({
      env: { VIMEO_TOKEN: 't0k3n', VIMEO_TUS_STATE_DIR: '/env/state' },
      flags: {},
      readTextFile,
    });
    expect(fromEnv.stateDir).toBe('/env/state');
  });

  it('uses the sandbox URL and token over everything else', async () => {
    const config = await resolveCliConfig({
      env: { VIMEO_TOKEN: 'env-token-1', VIMEO_API_URL: 'https://elsewhere.example' },
      flags: { tokenFile: '/t/token', sandbox: { apiUrl: 'http://127.0.0.1:5', token: 'sb' } },
      readTextFile,
    });
    expect(config).toMatchObject({ apiUrl: 'http://127.0.0.1:5', token: 'sb', tokenSource: 'sandbox' });
  });

  it('without a token: AuthError saying how to create one with the upload scope', async () => {
    const error = await resolveCliConfig({ env: {}, flags: {}, readTextFile }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'VimeoApiError', code: 'E_AUTH' });
    expect((error as Error).message).toContain('developer.vimeo.com/apps');
    expect((error as Error).message).toContain('upload');
  });

  it('rejects an empty or unreadable token file and a bad API URL with ConfigError', async () => {
    await expect(
      resolveCliConfig({ env: {}, flags: { tokenFile: '/t/empty' }, readTextFile }),
    ).rejects.toThrow(ConfigError);
    await expect(
      resolveCliConfig({ env: {}, flags: { tokenFile: '/t/missing' }, readTextFile }),
    ).rejects.toThrow(/ENOENT/);
    await expect(
      resolveCliConfig({
        env: { VIMEO_TOKEN: 'x1234', VIMEO_API_URL: 'not a url' },
        flags: {},
        readTextFile,
      }),
    ).rejects.toThrow(ConfigError);
  });
});
