/**
 * The command that installs Debian `packages`, as scripts/test-prerequisites.mjs names it in
 * its one line: `npm test` runs that script first, so the Jest setups say the same where a
 * bare `npx jest` finds a program missing.
 */
export function aptGetInstall(...packages: string[]): string {
  return `${process.getuid?.() === 0 ? '' : 'sudo '}apt-get install ${packages.join(' ')}`;
}
