import { describe, expect, it } from 'vitest';
import { captureIo } from './io.test-helper.js';

type Run = (args: string[], io: ReturnType<typeof captureIo>) => Promise<number>;

/** Every command, loaded as bin.ts loads it; none of these calls reaches a server. */
const COMMANDS: Record<string, () => Promise<{ run: Run }>> = {
  up: () => import('./commands/up.js'),
  keys: () => import('./commands/keys.js'),
  query: () => import('./commands/query.js'),
  why: () => import('./commands/why.js'),
  events: () => import('./commands/events.js'),
  doctor: () => import('./commands/doctor.js'),
  redact: () => import('./commands/redact.js'),
  demo: () => import('./commands/demo.js'),
};

describe('the opening every command shares', () => {
  for (const [name, load] of Object.entries(COMMANDS)) {
    it(`${name}: --help and -h print the usage to stdout and exit 0`, async () => {
      const { run } = await load();
      for (const flag of ['--help', '-h']) {
        const io = captureIo();
        expect(await run([flag], io)).toBe(0);
        expect(io.out()).toMatch(new RegExp(`^usage: tenantry ${name}`));
        expect(io.err()).toBe('');
      }
    });

    it(`${name}: an unknown option prints parseArgs' complaint and the usage, exit 2`, async () => {
      const { run } = await load();
      const io = captureIo();
      expect(await run(['--no-such-option', '--help'], io)).toBe(2);
      expect(io.err()).toMatch(
        new RegExp(
          `^tenantry ${name}: Unknown option '--no-such-option'.*\\n\\nusage: tenantry ${name}`,
        ),
      );
      expect(io.out()).toBe('');
    });
  }

  for (const name of ['up', 'doctor', 'redact', 'demo']) {
    it(`${name}: takes no positional argument`, async () => {
      const { run } = await (COMMANDS[name] as () => Promise<{ run: Run }>)();
      const io = captureIo();
      expect(await run(['stray'], io)).toBe(2);
      expect(io.err()).toMatch(new RegExp(`^tenantry ${name}: Unexpected argument 'stray'`));
    });
  }
});
