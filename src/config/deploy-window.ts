/** A weekly deploy window such as `Mon-Fri 09:00-17:00 Europe/Berlin`. */
export interface DeployWindow {
  /** 0 = Sunday … 6 = Saturday. */
  days: number[];
  startMinute: number;
  endMinute: number;
  timeZone: string;
}

const dayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function parseDays(text: string): number[] | undefined {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [from, to] = part.split('-').map((name) => dayNames.indexOf(name));
    if (from === undefined || from < 0 || (to !== undefined && to < 0)) return undefined;
    for (let day = from; ; day = (day + 1) % 7) {
      days.add(day);
      if (to === undefined || day === to) break;
    }
  }
  return [...days].sort();
}

function parseMinute(text: string): number | undefined {
  const match = text.match(/^([01]\d|2[0-3]):([0-5]\d)$/);
  return match ? Number(match[1]) * 60 + Number(match[2]) : text === '24:00' ? 1440 : undefined;
}

/** Pure: parses the window or returns a sentence saying what is wrong. */
export function parseDeployWindow(text: string): DeployWindow | string {
  const [daysText, hoursText, timeZone = 'UTC', ...rest] = text.trim().split(/\s+/);
  const days = daysText ? parseDays(daysText) : undefined;
  if (!days || rest.length > 0) return `"${text}" should look like "Mon-Fri 09:00-17:00 Europe/Berlin"`;
  const [start, end] = (hoursText ?? '').split('-').map(parseMinute);
  if (start === undefined || end === undefined || start >= end) return `"${hoursText}" should be a time range like 09:00-17:00`;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return `"${timeZone}" is not a known time zone`;
  }
  return { days, startMinute: start, endMinute: end, timeZone };
}

function localDayMinute(window: DeployWindow, at: Date): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: window.timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: dayNames.indexOf(part('weekday')), minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

export function isOpen(window: DeployWindow, at: Date): boolean {
  const { day, minute } = localDayMinute(window, at);
  return window.days.includes(day) && minute >= window.startMinute && minute < window.endMinute;
}

/** Milliseconds until the window is next open; 0 when it is open now. */
export function msUntilOpen(window: DeployWindow, now: Date): number {
  if (isOpen(window, now)) return 0;
  const firstMinute = Math.ceil(now.getTime() / 60_000) * 60_000;
  for (let at = firstMinute; at < now.getTime() + 8 * 86_400_000; at += 60_000) {
    if (isOpen(window, new Date(at))) return at - now.getTime();
  }
  return 0;
}
