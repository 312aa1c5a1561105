import type { DeployEventLine } from '../model/types';

const colours: Record<string, string> = { succeeded: '32', failed: '31', cancelled: '33', running: '36', started: '36', skipped: '2' };

function paint(text: string, word: string, tty: boolean): string {
  const colour = colours[word];
  return tty && colour ? `\x1b[${colour}m${text}\x1b[0m` : text;
}

/**
 * `12:00:03 health      succeeded` for a step, `12:00:03 health      | output` for a
 * log line: plain text for CI logs, coloured on a terminal.
 */
export function formatEventLine(line: DeployEventLine, tty: boolean): string {
  const time = line.at.slice(11, 19);
  const step = line.step.padEnd(11);
  if (line.type === 'log') return `${time} ${step} | ${line.message}`;
  // The message repeats the step's name, which the column shows; a failure's
  // container log follows as log lines, so only its first line is kept here.
  const message = line.message.split('\n')[0];
  const text = message.startsWith(`${line.step} `) ? message.slice(line.step.length + 1) : message;
  return `${time} ${step} ${paint(text, text.split(/[:\s]/)[0], tty)}`;
}

/** The first line of a reason: the rest (a container's log) was streamed already. */
export function firstLine(text: string | undefined): string | undefined {
  return text?.split('\n')[0];
}
