import fs from 'node:fs';
import path from 'node:path';
import { readmeCommands } from '../support/readme-commands';

describe('the README example parser', () => {
  it('reads commands with their continuation lines and the output under each', () => {
    const readme = ['# X', '', '## Try it', '', '```sh', "$ curl -s a \\", "    -d '{}'", '{"ok":true}', '', '$ echo hi', 'hi', '```', '', '## Next', '```sh', '$ no', '```'].join('\n');
    expect(readmeCommands(readme, 'Try it')).toEqual([
      { command: "curl -s a \\\n    -d '{}'", output: '{"ok":true}' },
      { command: 'echo hi', output: 'hi' },
    ]);
  });

  it("finds the three commands of Berth's first deploy", () => {
    const commands = readmeCommands(fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8'), 'A first deploy');
    expect(commands.map((c) => c.command.split(' ').slice(0, 3).join(' '))).toEqual(['curl -s -X', 'curl -s http://127.0.0.1:8080/v1/deployments/web-staging-mwr4rrawc971d8', 'curl -s -H']);
    expect(commands.map((c) => c.output.slice(0, 2))).toEqual(['{"', '{"', 'v2']);
  });
});
