import { isAbsolute, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStateDir } from '../../src/config/state-dir.js';
import { ConfigError } from '../../src/errors.js';

describe('resolveStateDir', () => {
  const env = { HOME: '/home/ana', VIMEO_TUS_STATE_DIR: '/srv/vt-env', XDG_STATE_HOME: '/xdg/state' };

  it('--state-dir wins over the environment and the platform default', () => {
    expect(resolveStateDir({ flag: '/opt/flagged', env, platform: 'linux' })).toBe('/opt/flagged');
  });

  it('a relative --state-dir resolves against the working directory', () => {
    expect(resolveStateDir({ flag: 'rel/state', env })).toBe(resolve('rel/state'));
  });

  it('an empty --state-dir is a ConfigError', () => {
    expect(() => resolveStateDir({ flag: '', env })).toThrow(ConfigError);
  });

  it('VIMEO_TUS_STATE_DIR wins over the platform default; an empty one is ignored', () => {
    expect(resolveStateDir({ env, platform: 'linux' })).toBe('/srv/vt-env');
    expect(resolveStateDir({ env: { ...env, VIMEO_TUS_STATE_DIR: '' }, platform: 'linux' })).toBe(
      '/xdg/state/vimeo-tus',
    );
  });

  it('Linux: $XDG_STATE_HOME/vimeo-tus, else ~/.local/state/vimeo-tus; a relative XDG_STATE_HOME is ignored', () => {
    expect(resolveStateDir({ env: { HOME: '/home/ana', XDG_STATE_HOME: '/xdg/s' }, platform: 'linux' })).toBe(
      '/xdg/s/vimeo-tus',
    );
    expect(resolveStateDir({ env: { HOME: '/home/ana' }, platform: 'linux' })).toBe(
      '/home/ana/.local/state/vimeo-tus',
    );
    expect(
      resolveStateDir({ env: { HOME: '/home/ana', XDG_STATE_HOME: 'relative' }, platform: 'freebsd' }),
    ).toBe('/home/ana/.local/state/vimeo-tus');
  });

  it('reads only the env it is given: without HOME it uses homeDir', () => {
    expect(resolveStateDir({ env: {}, platform: 'linux', homeDir: '/home/bob' })).toBe(
      '/home/bob/.local/state/vimeo-tus',
    );
  });

  it('macOS: ~/Library/Application Support/vimeo-tus', () => {
    expect(resolveStateDir({ env: { HOME: '/Users/ana' }, platform: 'darwin' })).toBe(
      '/Users/ana/Library/Application Support/vimeo-tus',
    );
  });

  it('Windows: %LOCALAPPDATA%\\vimeo-tus\\Data, else under the profile', () => {
    expect(
      resolveStateDir({ env: { LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' }, platform: 'win32' }),
    ).toBe('C:\\Users\\ana\\AppData\\Local\\vimeo-tus\\Data');
    expect(resolveStateDir({ env: { USERPROFILE: 'C:\\Users\\ana' }, platform: 'win32' })).toBe(
      'C:\\Users\\ana\\AppData\\Local\\vimeo-tus\\Data',
    );
  });

  it("with no platform given, uses this machine's and returns an absolute path", () => {
    const dir = resolveStateDir({ env: { HOME: '/home/x', XDG_STATE_HOME: '/xdg/here' } });
    expect(isAbsolute(dir)).toBe(true);
    expect(dir).toContain('vimeo-tus');
  });

  it('with no options at all, still absolute (no env read)', () => {
    expect(isAbsolute(resolveStateDir())).toBe(true);
  });
});
