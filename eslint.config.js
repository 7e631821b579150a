import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', 'bench/results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core is pure: no AWS SDK, no environment, so it can be reasoned about and tested alone.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', '@smithy/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@aws-lambda-powertools/*'], message: 'src/core must not import AWS packages.' },
            { group: ['../aws/*', '../app/*', '../lambda/*', '../cli/*', '../emulator/*'], message: 'src/core depends on nothing outside itself.' },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'src/core reads no environment: pass config in.' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'src/core does not touch the process.' }],
    },
  },
);
