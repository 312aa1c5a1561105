// `--selectProjects` reads every following word as a project name, so a test path written
// after it is silently dropped and the whole suite runs; refuse that at once, with the fix.
const selectAt = process.argv.indexOf('--selectProjects');
for (let i = selectAt + 1; selectAt >= 0 && i < process.argv.length && !process.argv[i].startsWith('-'); i++) {
  if (/[/\\]|\.ts$/.test(process.argv[i])) {
    throw new Error(`jest: "${process.argv[i]}" after --selectProjects is read as a project name; put test paths before --selectProjects`);
  }
}

/** Unit tests run in parallel; integration tests share one real test world. */
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] };

module.exports = {
  // Per-project testTimeout is ignored by Jest; integration hooks deploy for real.
  testTimeout: 180000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: tsJest,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      // Workflow logic against mocked activities on Temporal's time-skipping test server.
      displayName: 'workflows',
      testEnvironment: 'node',
      transform: tsJest,
      testMatch: ['<rootDir>/test/workflows/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform: tsJest,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
