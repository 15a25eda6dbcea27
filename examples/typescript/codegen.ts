// graphql-codegen: typed documents for every operation in src/, from the committed SDL.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['src/**/*.ts', '!src/gql/**'],
  // ES modules under NodeNext: generated imports carry their .js extension.
  emitLegacyCommonJSImports: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      config: {
        // Decimal is exact: a string on the wire, never a float.
        scalars: { Decimal: 'string', Date: 'string', DateTime: 'string', JSONObject: 'Record<string, unknown>' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};
export default config;
