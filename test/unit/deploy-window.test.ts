import { isOpen, msUntilOpen, parseDeployWindow, type DeployWindow } from '../../src/config/deploy-window';

describe('deploy windows', () => {
  const berlin = parseDeployWindow('Mon-Fri 09:00-17:00 Europe/Berlin') as DeployWindow;

  it('parses days, hours and time zone', () => {
    expect(berlin).toEqual({ days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020, timeZone: 'Europe/Berlin' });
    expect(parseDeployWindow('Sat,Sun 22:00-24:00')).toEqual({ days: [0, 6], startMinute: 1320, endMinute: 1440, timeZone: 'UTC' });
    expect(parseDeployWindow('Fri-Mon 10:00-11:00 UTC')).toEqual({ days: [0, 1, 5, 6], startMinute: 600, endMinute: 660, timeZone: 'UTC' });
  });

  it('says what is wrong with a bad window', () => {
    expect(parseDeployWindow('weekdays 9-5')).toBe('"weekdays 9-5" should look like "Mon-Fri 09:00-17:00 Europe/Berlin"');
    expect(parseDeployWindow('Mon-Fri 17:00-09:00')).toBe('"17:00-09:00" should be a time range like 09:00-17:00');
    expect(parseDeployWindow('Mon-Fri 09:00-17:00 Mars/Olympus')).toBe('"Mars/Olympus" is not a known time zone');
  });

  it('is open inside the window in its own time zone, DST included', () => {
    // 2026-07-06 is a Monday; Berlin is UTC+2 in summer.
    expect(isOpen(berlin, new Date('2026-07-06T07:00:00Z'))).toBe(true);
    expect(isOpen(berlin, new Date('2026-07-06T06:59:00Z'))).toBe(false);
    // In winter UTC+1: 08:00Z is 09:00 in Berlin.
    expect(isOpen(berlin, new Date('2026-01-05T08:00:00Z'))).toBe(true);
    expect(isOpen(berlin, new Date('2026-07-04T10:00:00Z'))).toBe(false); // Saturday
  });

  it('computes the wait until the next opening', () => {
    expect(msUntilOpen(berlin, new Date('2026-07-06T07:30:00Z'))).toBe(0);
    // Saturday 10:00Z → Monday 07:00Z.
    expect(msUntilOpen(berlin, new Date('2026-07-04T10:00:00Z'))).toBe((24 + 21) * 3_600_000);
    expect(msUntilOpen(berlin, new Date('2026-07-06T06:59:30Z'))).toBe(30_000);
  });
});
