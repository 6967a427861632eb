import { Command } from 'commander';

/** The database driver and the learning code load when a subcommand runs, not with `parley classify`. */
async function learning() {
  const [{ relabelReply, trainIntentModel }, { withDatabase }] = await Promise.all([
    import('../learning/index.ts'),
    import('./database.ts'),
  ]);
  return { relabelReply, trainIntentModel, withDatabase };
}

/** `parley classify train`: a new intent model from the corpus plus reps' corrections; workers load it without a restart. */
export function trainCommand(): Command {
  return new Command('train')
    .description("train a new intent model from the built-in corpus plus reps' corrections and store it; running workers load it")
    .action(async () => {
      const { trainIntentModel, withDatabase } = await learning();
      const result = await withDatabase((db) => trainIntentModel(db));
      console.log(`model ${result.version}: ${result.corpusExamples} corpus replies + ${result.corrections} corrections`);
    });
}

/** `parley classify relabel <reply-id> <intent>`: a rep's correction from the command line. */
export function relabelCommand(): Command {
  return new Command('relabel')
    .description('correct the intent of a stored reply; the correction is used by the next `parley classify train`')
    .argument('<reply-id>', 'the reply id, e.g. "mid:<abc@example.com>"')
    .argument('<intent>', 'the right intent')
    .option('--by <rep>', 'who corrects it', process.env.USER ?? 'cli')
    .action(async (replyId: string, intent: string, options: { by: string }) => {
      const { relabelReply, withDatabase } = await learning();
      const reply = await withDatabase((db) => relabelReply(db, replyId, intent, options.by));
      console.log(`${reply._id}: ${reply.intent ?? 'unlabelled'} -> ${intent} (by ${options.by})`);
    });
}
