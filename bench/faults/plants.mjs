/**
 * Planted faults of the fault suite (`FAULTS_PLANT=r1-lose,r8-nokill …`): each script names the faults it knows
 * (id → what it breaks and which gate must then miss) and keeps those of the list that are its own (`owns`). A name
 * the script owns but does not know stops it at once, so a typo never runs as a clean pass.
 */
export function plantedFaults(known, owns = () => true) {
  const planted = new Set(
    (process.env.FAULTS_PLANT ?? '')
      .split(',')
      .map((x) => x.trim().toLowerCase())
      .filter((x) => x && owns(x)),
  );
  for (const p of planted)
    if (!(p in known)) {
      console.error(`FAULTS_PLANT: unknown "${p}"; known: ${Object.keys(known).join(', ')}`);
      process.exit(2);
    }
  return { planted, isPlanted: (id) => planted.has(id) };
}
