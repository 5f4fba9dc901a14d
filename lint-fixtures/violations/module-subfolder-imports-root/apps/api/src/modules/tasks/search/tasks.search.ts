// Violation: a module file in a sub-folder imports the composition root.
import type { composeModules } from '../../../composition';

export type Modules = ReturnType<typeof composeModules>;
