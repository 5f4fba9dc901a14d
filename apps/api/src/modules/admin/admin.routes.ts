import type { FastifyInstance } from 'fastify';

/** Routes of /api/v1/admin (to be filled by the admin module). */
export async function adminRoutes(_app: FastifyInstance) {}
