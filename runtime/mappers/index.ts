// Owns the mappers module's public face: plan a connection's mappers, apply them per stream, decrypt a value.
export { planMappers, type MapperPlan } from './plan.js';
export { StreamMapper, type MapResult } from './stream-mapper.js';
export { decryptValue } from './aes-gcm-value.js';
export * from './types.js';
