// Owns the mappers module's public face: plan a connection's mappers, apply them per stream, decrypt a value, and
// mask, list or keep the secrets of a definition.
export { planMappers, type MapperPlan } from './plan.js';
export { StreamMapper, type MapResult } from './stream-mapper.js';
export { decryptValue } from './aes-gcm-value.js';
export { keepMaskedMapperSecrets, mapperSecretValues, maskMapperSecrets } from './secrets.js';
export * from './types.js';
