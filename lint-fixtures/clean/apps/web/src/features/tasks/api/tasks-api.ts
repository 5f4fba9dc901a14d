import { getJson } from '../../../lib/api-client';

export const fetchTasks = () => getJson('/api/v1/tasks');
