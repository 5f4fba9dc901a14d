import type { FastifyInstance } from 'fastify';

/** Routes of /api/v1/tasks (to be filled by the tasks module). */
export async function taskRoutes(_app: FastifyInstance) {}
