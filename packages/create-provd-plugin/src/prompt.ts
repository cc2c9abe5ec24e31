import { createInterface } from 'node:readline';

/** One question of the scaffold. */
export interface Question {
  /** What is asked, e.g. `Vendor`. */
  label: string;
  /** A hint shown after the label, e.g. `(e.g. Acme)`. */
  hint?: string;
  /** The answer taken when the user just presses Enter. */
  default?: string;
  /** Returns the problem with an answer (it is asked again), or `undefined` when it is usable. */
  check?: (answer: string) => string | undefined;
}

/** Asks questions one by one on a terminal. */
export interface Asker {
  /** Asks until a usable answer comes; rejects when the input ends. */
  ask(question: Question): Promise<string>;
  /** Releases the terminal. */
  close(): void;
}

/**
 * An {@link Asker} on `input`/`output` (the terminal): each question shows its default in brackets; an answer the
 * check refuses is explained on `output` and asked again. Lines typed ahead are kept for the next question.
 */
export function terminalAsker(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Asker {
  const rl = createInterface({ input, output, terminal: (input as { isTTY?: boolean }).isTTY === true });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(question) {
      for (;;) {
        const hint = question.hint ? ` ${question.hint}` : '';
        const fallback = question.default !== undefined ? ` [${question.default}]` : '';
        output.write(`? ${question.label}${hint}${fallback}: `);
        const next = await lines.next();
        if (next.done) throw new Error('the input ended before every question was answered');
        const answer = (next.value as string).trim() || question.default || '';
        const problem = answer === '' ? 'an answer is needed' : question.check?.(answer);
        if (problem === undefined) return answer;
        output.write(`  ${problem}\n`);
      }
    },
    close() {
      rl.close();
    },
  };
}
