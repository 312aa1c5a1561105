/** One `$ command` of a README example, with the output the README shows under it. */
export interface ReadmeCommand {
  command: string;
  output: string;
}

/**
 * Pure: the commands of the first ```sh block under `## <heading>`: each starts
 * with `$ `, continues while a line ends in a backslash, and is followed by its
 * output up to a blank line or the next command.
 */
export function readmeCommands(readme: string, heading: string): ReadmeCommand[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`README has no section "## ${heading}"`);
  const section = readme.slice(start + 1).split(/\n## /)[0];
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`README section "${heading}" has no sh block`);
  const commands: ReadmeCommand[] = [];
  let current: { lines: string[]; output: string[]; open: boolean } | undefined;
  for (const line of block[1].split('\n')) {
    if (line.startsWith('$ ')) {
      if (current) commands.push({ command: current.lines.join('\n'), output: current.output.join('\n').trim() });
      current = { lines: [line.slice(2)], output: [], open: line.endsWith('\\') };
    } else if (current?.open) {
      current.lines.push(line);
      current.open = line.endsWith('\\');
    } else if (current) {
      current.output.push(line);
    }
  }
  if (current) commands.push({ command: current.lines.join('\n'), output: current.output.join('\n').trim() });
  return commands;
}
