/** Generated scenarios go to a cache folder outside the package, never into node_modules. */
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../emulator/paths.js';
import { generatedScenarioPath, scenarioCacheDir } from '../../emulator/scenarios.js';
import { VERSION } from '../../emulator/version.js';

describe('scenario cache folder', () => {
  it('is FASTIO_EMULATOR_CACHE_DIR, else the XDG cache, else ~/.cache', () => {
    expect(scenarioCacheDir({ FASTIO_EMULATOR_CACHE_DIR: '/c/own', XDG_CACHE_HOME: '/c/xdg' })).toBe('/c/own');
    expect(scenarioCacheDir({ XDG_CACHE_HOME: '/c/xdg' })).toBe('/c/xdg/fastio-emulator');
    // relative values are ignored, as the XDG specification says
    expect(scenarioCacheDir({ XDG_CACHE_HOME: 'relative' })).toMatch(/\.cache\/fastio-emulator$|fastio-emulator$/);
    expect(scenarioCacheDir({ XDG_CACHE_HOME: 'relative' })).not.toContain('relative');
  });

  it('names the file by the package version, outside the package', () => {
    const path = generatedScenarioPath('large', '2026-04', { XDG_CACHE_HOME: '/c/xdg' });
    expect(path).toBe(`/c/xdg/fastio-emulator/scenarios/large-${VERSION}.json`);
    expect(generatedScenarioPath('large', 'v2', { XDG_CACHE_HOME: '/c/xdg' })).toBe(`/c/xdg/fastio-emulator/scenarios/large-v2-${VERSION}.json`);
    expect(generatedScenarioPath('large').startsWith(PACKAGE_ROOT)).toBe(false);
  });
});
