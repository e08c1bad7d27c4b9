/** Progress for whoever watches the run: stderr, so that stdout carries only the final table. */
const started = Date.now();

export function progress(message: string): void {
  const seconds = Math.round((Date.now() - started) / 1000);
  const clock = `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
  process.stderr.write(`[bench ${clock}] ${message}\n`);
}

/** Seconds since the run started. */
export function elapsedSeconds(): number {
  return (Date.now() - started) / 1000;
}
