import { IntentModel, splitCorpus, TRAINING_CORPUS, type TrainingExample } from '../classify/index.ts';
import { intentModelStore, replyStore, type IntentModelDoc, type ParleyCollections } from '../db/index.ts';

export interface TrainingResult {
  version: string;
  model: IntentModel;
  corpusExamples: number;
  corrections: number;
}

/**
 * Trains a new intent model on the built-in corpus (its training half: the held-out half stays
 * unseen for `parley classify eval`) plus every reply a rep relabelled, and stores it as the
 * newest version. Running workers pick it up without a restart.
 */
export async function trainIntentModel(db: ParleyCollections, now = new Date()): Promise<TrainingResult> {
  const corpus = splitCorpus(TRAINING_CORPUS).train;
  const corrected = await replyStore(db).corrected();
  const corrections: TrainingExample[] = corrected.flatMap((r) =>
    r.correction && r.visibleText.trim() !== '' ? [{ text: r.visibleText, intent: r.correction.intent }] : [],
  );
  const model = IntentModel.train([...corpus, ...corrections], now);
  const version = now.toISOString();
  const doc: IntentModelDoc = {
    _id: version,
    createdAt: now,
    json: model.toJSON(),
    corpusExamples: corpus.length,
    corrections: corrections.length,
  };
  await intentModelStore(db).save(doc);
  return { version, model, corpusExamples: corpus.length, corrections: corrections.length };
}
