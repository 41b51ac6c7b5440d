export { createAdminApiRouter, type AdminApiDeps } from './router';
export type { AdminLogger } from './http';
export { openApiDocument } from './openapi';
