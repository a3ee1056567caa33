/** Download Sentence Pairs…: Tatoeba corpora for training, with their licence shown first. */
import type { SeqLensContext } from '../context';
import { objectArg, type FeatureContribution } from '../features';
import { downloadCorpus, DownloadRequest } from './downloadCorpus';

export function register(ctx: SeqLensContext): FeatureContribution {
  return { commands: { 'seqlens.downloadCorpus': (arg?: unknown) => downloadCorpus(ctx, objectArg<DownloadRequest>(arg)) } };
}
