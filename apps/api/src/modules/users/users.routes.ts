import type { FastifyInstance } from 'fastify';

/** Routes of /api/v1/users (to be filled by the users module). */
export async function userRoutes(_app: FastifyInstance) {}
