// Violation: infra/ imports a module (even through its entry); the module calls infra, not the reverse.
import type { createUsersModule } from '../../modules/users';

export type UsersModule = ReturnType<typeof createUsersModule>;
