/**
 * One lane for a process's jobs that send something outside (mail): their runs go one after another, never side by
 * side, and a job already waiting or running in the lane is not queued a second time (its run is skipped: the one
 * in the lane will do its work). Jobs scheduled every second whose runs overlap (a slow mail server) would
 * otherwise have several mails in flight at once; a process killed mid-mail then loses the acknowledgement of all of
 * them, and each is sent again after its lease (R5 caught one: a scan mailed, heard 250 and died before marking the
 * reminder sent, while another scan's mail was the one held). With one lane, a kill can leave at most one mail
 * unconfirmed: the one in flight.
 */
export interface JobLane {
  /** Run `job` after every run already in the lane; `undefined` at once when `name` is already waiting or running. */
  run<T>(name: string, job: () => Promise<T>): Promise<T | undefined>;
}

export function jobLane(): JobLane {
  let tail: Promise<unknown> = Promise.resolve();
  const queued = new Set<string>();
  return {
    run(name, job) {
      if (queued.has(name)) return Promise.resolve(undefined);
      queued.add(name);
      const result = tail.then(job).finally(() => queued.delete(name));
      tail = result.catch(() => {});
      return result;
    },
  };
}
