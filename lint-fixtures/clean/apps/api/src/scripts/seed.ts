import { tasks, users } from '../infra/db/schema';

export const seedTables = [tasks.name, users.name];
