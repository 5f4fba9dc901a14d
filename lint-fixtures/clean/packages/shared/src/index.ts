import { z } from 'zod';

export const taskTitle = z.string().min(1);
