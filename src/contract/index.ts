// Names that the product (src/) and the CDK construct (infra/) both use, defined once here.
export * from './ids.js';
export * from './limits.js';
export * from './metrics.js';
export * from './queue.js';
export * from './tags.js';
export * from './variables.js';
export * from './members.js';
