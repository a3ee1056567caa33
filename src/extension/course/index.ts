/**
 * The course as a walkthrough (package.json `contributes.walkthroughs`, media/walkthrough/): each
 * step has a command of its own, `seqlens.course.<step>`, that opens the step's view on a demo
 * file, so that the step completes on that action (`completionEvents: onCommand:…`). The demo
 * files come with the extension and are copied once to its global storage, so a learner can edit
 * them and try their own sentences without touching the installed extension.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLensContext } from '../context';
import type { FeatureContribution } from '../features';

export const WALKTHROUGH_ID = 'seqlens.course';

export interface CourseStep {
  id: string;
  /** The demo file it opens, and the line it selects (0-based). */
  file?: string;
  line?: number;
  /** The course's experiment for this step (Run an Experiment of the Course…). */
  experiment?: string;
  /** What the step's command runs once the file is open and the line selected. */
  open: () => Thenable<unknown>;
}

const run = (command: string, arg?: unknown) => () => vscode.commands.executeCommand(command, ...(arg === undefined ? [] : [arg]));

/** The steps in the course's order; the walkthrough in package.json lists the same ids. */
export const COURSE: readonly CourseStep[] = [
  { id: 'rnn', file: 'english.txt', line: 0, open: run('seqlens.stepThrough', { model: 'rnn-tanh' }) },
  { id: 'activations', file: 'agreement.txt', line: 1, experiment: 'vanishing-gradients', open: run('seqlens.compareCells') },
  { id: 'heads', file: 'sentiment.txt', line: 0, open: run('seqlens.stepThrough', { model: 'heads:lstm' }) },
  { id: 'lstm', file: 'agreement.txt', line: 0, experiment: 'long-range', open: run('seqlens.stepThrough', { model: 'lstm' }) },
  { id: 'context', file: 'translate.txt', line: 0, experiment: 'context-vector', open: run('seqlens.translateSelection', { model: 'en-ko-no-attention', compare: true }) },
  { id: 'attention', file: 'translate.txt', line: 0, open: run('seqlens.translateSelection', { model: 'en-ko' }) },
  { id: 'teacherForcing', file: 'pairs.tsv', line: 1, experiment: 'teacher-forcing', open: run('seqlens.translateSelection', { model: 'en-ko' }) },
  { id: 'positions', file: 'translate.txt', line: 1, open: run('seqlens.showTransformerAttention', { tab: 'positions' }) },
  { id: 'selfAttention', file: 'translate.txt', line: 1, open: run('seqlens.showTransformerAttention', { tab: 'attention' }) },
  { id: 'endToEnd', experiment: 'divide-and-train', open: () => vscode.commands.executeCommand('seqlens.runs.focus') },
  { id: 'word2vec', file: 'english.txt', line: 0, open: run('seqlens.showProjector', { word: 'river' }) },
];

/** The demo folder a step reads: the workspace's own `demo/` files when it is the demo workspace, else a copy in global storage. */
function demoFolder(ctx: SeqLensContext): string {
  const bundled = ctx.asPath('demo');
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme === 'file' && fs.existsSync(path.join(f.uri.fsPath, 'agreement.txt')) && fs.existsSync(path.join(f.uri.fsPath, 'translate.txt'))) return f.uri.fsPath;
  }
  const copy = path.join(ctx.extension.globalStorageUri.fsPath, 'demo');
  fs.mkdirSync(copy, { recursive: true });
  for (const name of fs.readdirSync(bundled)) {
    const from = path.join(bundled, name);
    const to = path.join(copy, name);
    if (fs.statSync(from).isFile() && !fs.existsSync(to)) fs.copyFileSync(from, to);
  }
  return copy;
}

export interface CourseApi {
  course: {
    readonly steps: readonly string[];
    /** The step last opened and the editor it opened (tests). */
    readonly lastOpened: { step: string; file?: string } | undefined;
  };
}

export function register(ctx: SeqLensContext): FeatureContribution<CourseApi> {
  let lastOpened: { step: string; file?: string } | undefined;
  const commands: Record<string, () => Thenable<unknown>> = {
    'seqlens.openCourse': () => vscode.commands.executeCommand('workbench.action.openWalkthrough', `${ctx.extension.extension.id}#${WALKTHROUGH_ID}`, false),
  };
  for (const step of COURSE) {
    commands[`seqlens.course.${step.id}`] = async () => {
      let file: string | undefined;
      if (step.file) {
        file = path.join(demoFolder(ctx), step.file);
        const doc = await vscode.workspace.openTextDocument(file);
        // Beside the walkthrough when it is open, so the step's text and its view are seen together.
        const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
        const line = Math.min(step.line ?? 0, doc.lineCount - 1);
        editor.selection = new vscode.Selection(line, 0, line, doc.lineAt(line).text.length);
        editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenter);
      }
      lastOpened = { step: step.id, file };
      return step.open();
    };
  }
  return {
    commands,
    api: {
      course: {
        steps: COURSE.map((s) => s.id),
        get lastOpened() {
          return lastOpened;
        },
      },
    },
  };
}
