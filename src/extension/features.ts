/**
 * How a feature joins the extension (DESIGN.md "Views"): each feature folder exports one
 * `register(ctx)` that creates what it owns (registered on ctx), and returns its commands and
 * the part of the API it offers to tests and other extensions. The command table wraps every
 * handler once in the same error reporting, so no handler needs a try/catch of its own.
 */
import * as vscode from 'vscode';
import type { SeqLensContext } from './context';

export type CommandHandler = (...args: never[]) => unknown;

export interface FeatureContribution<Api extends object = object> {
  commands?: Record<string, CommandHandler>;
  api?: Api;
}

/** The command's title as package.json gives it ("Translate Selection"), for error messages. */
function commandTitle(ctx: SeqLensContext, id: string): string {
  const commands = (ctx.extension.extension.packageJSON?.contributes?.commands ?? []) as Array<{ command: string; title: string }>;
  // VS Code hands extensions their manifest with package.nls's strings in the display language.
  return commands.find((c) => c.command === id)?.title ?? id;
}

/** Registers a feature's commands, each wrapped in ctx.reportError; returns its API. */
export function registerCommands(ctx: SeqLensContext, commands: Record<string, CommandHandler>): void {
  for (const [id, handler] of Object.entries(commands)) {
    const title = commandTitle(ctx, id);
    ctx.register(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await (handler as (...a: unknown[]) => unknown)(...args);
        } catch (e) {
          ctx.reportError(title, e);
          return undefined;
        }
      }),
    );
  }
}

/** An object argument, or {} (commands run from the palette get none; tests and menus pass one). */
export function objectArg<T extends object>(arg: unknown): Partial<T> {
  return typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? (arg as Partial<T>) : {};
}

/** A Uri argument (from an explorer menu) or a path string. */
export function uriArg(arg: unknown): vscode.Uri | undefined {
  return arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
}
