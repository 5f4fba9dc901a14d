// Violation: src/components imports src/app.
import { routes } from '../../app/router';

export function Nav() {
  return (
    <nav>
      {routes.map((r) => (
        <a key={r.path} href={r.path}>
          {r.path}
        </a>
      ))}
    </nav>
  );
}
