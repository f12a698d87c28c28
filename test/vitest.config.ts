import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'artifacts/**'],
    globalSetup: ['./support/global-setup.ts'],
    // Longer than Playwright's own 30 s action timeout, so a stuck step fails with its own message
    // (which locator, which URL) rather than a bare "test timed out".
    testTimeout: 60_000,
    // A poll waits for what a person would see happen; on a busy two-core machine that can take
    // more than vitest's default second.
    expect: { poll: { timeout: 5_000 } },
    hookTimeout: 120_000,
    // Two cores: two files at a time, each with its own database.
    maxWorkers: 2,
  },
});
