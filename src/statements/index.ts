export * from './bodies.js';
export * from './canonical-json.js';
export * from './registry.js';
export * from './roles.js';
export * from './statement.js';
