import { cleanup } from '@testing-library/react';
import { afterEach, beforeAll, vi } from 'vitest';

/**
 * For the component tests (happy-dom): Mantine's layout hooks ask for a ResizeObserver, which
 * happy-dom may not have; after each test the rendered DOM is removed and stubbed globals
 * (fetch...) are restored. Call once at the top of a test file.
 */
export function setUpComponentTests(): void {
  beforeAll(() => {
    globalThis.ResizeObserver ??= class {
      observe() {}
      unobserve() {}
      disconnect() {}
    } as unknown as typeof ResizeObserver;
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });
}
