import { memoizeSchemaCompilation } from './lint-harness';
it('prof', async () => {
  const undo = await memoizeSchemaCompilation();
  const { ProcessorBuilder, ValidationTypes } = await import('@forge/manifest');
  const Ajv = (await import('ajv')).default;
  const { performance } = await import('perf_hooks');
  let t = performance.now();
  const a = new Ajv({ allErrors: true, verbose: true, strict: false });
  console.log('new ajv', performance.now() - t); t = performance.now();
  for (const type of [ValidationTypes.FULL, ValidationTypes.PRODUCT_TRIGGER, ValidationTypes.DEPRECATED_CSP_METHOD]) {
    ProcessorBuilder.instance().withValidation(type).withOptions({ deprecatedRuntimes: [] }).build();
    console.log('build', type, performance.now() - t); t = performance.now();
  }
  const s = require('@forge/manifest/schema.json');
  t = performance.now(); JSON.stringify(s); console.log('stringify', performance.now() - t);
  undo(); void a;
}, 60000);
