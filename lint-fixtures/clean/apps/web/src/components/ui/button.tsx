import { cn } from '../../lib/cn';

export function Button(props: { label: string; primary?: boolean }) {
  return (
    <button type="button" className={cn('btn', props.primary && 'btn-primary')}>
      {props.label}
    </button>
  );
}
