/**
 * Progress on a terminal: one bar over every planned entity (cli-progress), naming the phase. Off
 * a terminal (CI, a test, a pipe): one line as each phase starts, so a log shows where it stopped.
 */
import { SingleBar } from 'cli-progress';

export interface Progress {
  phase(name: string, planned: number): void;
  /** Entities of the current phase that exist now. */
  update(done: number): void;
  stop(): void;
}

export function progress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  let base = 0;
  let planned = 0;
  let current = '';
  if (!stream.isTTY) {
    return {
      phase(name, count) {
        stream.write(`› ${name}: ${count} planned\n`);
      },
      update: () => undefined,
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    stream,
    format: 'seeding {bar} {percentage}% | {value}/{total} | {phase} | {duration_formatted}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
  });
  bar.start(total, 0, { phase: '' });
  return {
    phase(name, count) {
      base += planned;
      planned = count;
      current = name;
      bar.update(base, { phase: name });
    },
    update(done) {
      bar.update(base + Math.min(done, planned), { phase: current });
    },
    stop() {
      bar.stop();
    },
  };
}
