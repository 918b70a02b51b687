/**
 * Layer rules (docs/architecture.md): core is pure; the API layer reaches use cases only;
 * adapters are plug-ins that never call back into services or the engine.
 */
module.exports = {
  forbidden: [
    { name: 'core-is-pure', severity: 'error', from: { path: '^src/core' }, to: { path: '^src/(?!core)' } },
    {
      name: 'api-no-db-or-adapters',
      severity: 'error',
      from: { path: '^src/api' },
      to: { path: '^src/(db|adapters|engine)' },
    },
    {
      name: 'adapters-no-services',
      severity: 'error',
      from: { path: '^src/adapters' },
      to: { path: '^src/(services|engine|api|db|cli)' },
    },
    {
      name: 'services-no-api-or-engine',
      severity: 'error',
      from: { path: '^src/services' },
      to: { path: '^src/(api|engine|cli)' },
    },
    { name: 'engine-no-api', severity: 'error', from: { path: '^src/engine' }, to: { path: '^src/(api|cli)' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
