/** terminalScreen: see src/cli/output/progress/terminal-screen.ts (shared with `npm run screenshot:terminal`). */
export { terminalScreen } from '../../src/cli/output/progress/terminal-screen.js';
