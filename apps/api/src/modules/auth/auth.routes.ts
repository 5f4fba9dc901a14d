import type { FastifyInstance } from 'fastify';

/** Routes of /api/v1/auth (to be filled by the auth module). */
export async function authRoutes(_app: FastifyInstance) {}
