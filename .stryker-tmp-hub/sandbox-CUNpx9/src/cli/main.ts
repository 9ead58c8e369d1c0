#!/usr/bin/env node
// @ts-nocheck
import { Command } from 'commander';
import { publishCommand } from './publish-command.js';
import { describeStartupError, serveCommand } from './serve-command.js';
import { tailCommand } from './tail-command.js';
import { tokenCommand } from './token-command.js';

const program = new Command('ssehub')
  .description('A real-time event hub over Server-Sent Events')
  .showHelpAfterError('(run with --help for usage)')
  .addCommand(serveCommand(), { isDefault: true })
  .addCommand(publishCommand())
  .addCommand(tailCommand())
  .addCommand(tokenCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`${describeStartupError(err)}\n`);
  process.exit(1);
});
