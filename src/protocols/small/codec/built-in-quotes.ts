/**
 * The quotations a QOTD server offers when it is given no file of its own. Every one is by an
 * author dead for well over a century (or from a work published before 1930), so all are in
 * the public domain; each is attributed, is plain ASCII and fits the 512 characters of RFC 865.
 */

/**
 * About thirty public-domain quotations, each ending with an attribution line.
 *
 * @example
 * quoteOfTheDay(BUILT_IN_QUOTES, new Date());
 */
export const BUILT_IN_QUOTES: readonly string[] = Object.freeze(
  (
    [
      ['Brevity is the soul of wit.', 'William Shakespeare, Hamlet (c. 1600)'],
      ['This above all: to thine own self be true.', 'William Shakespeare, Hamlet (c. 1600)'],
      [
        "All the world's a stage,\nAnd all the men and women merely players.",
        'William Shakespeare, As You Like It (c. 1599)',
      ],
      [
        'Cowards die many times before their deaths;\nThe valiant never taste of death but once.',
        'William Shakespeare, Julius Caesar (1599)',
      ],
      ['The better part of valour is discretion.', 'William Shakespeare, Henry IV, Part 1 (1598)'],
      ['A little learning is a dangerous thing.', 'Alexander Pope, An Essay on Criticism (1711)'],
      ['To err is human, to forgive divine.', 'Alexander Pope, An Essay on Criticism (1711)'],
      ['Hope springs eternal in the human breast.', 'Alexander Pope, An Essay on Man (1734)'],
      [
        'Early to bed and early to rise,\nmakes a man healthy, wealthy and wise.',
        "Benjamin Franklin, Poor Richard's Almanack (1735)",
      ],
      ['Well done is better than well said.', "Benjamin Franklin, Poor Richard's Almanack (1737)"],
      ['Little strokes fell great oaks.', "Benjamin Franklin, Poor Richard's Almanack (1750)"],
      ['The mass of men lead lives of quiet desperation.', 'Henry David Thoreau, Walden (1854)'],
      [
        'Our life is frittered away by detail. ... Simplify, simplify.',
        'Henry David Thoreau, Walden (1854)',
      ],
      [
        'A foolish consistency is the hobgoblin of little minds.',
        'Ralph Waldo Emerson, Self-Reliance (1841)',
      ],
      ['Hitch your wagon to a star.', 'Ralph Waldo Emerson, Society and Solitude (1870)'],
      [
        'Beneath the rule of men entirely great,\nThe pen is mightier than the sword.',
        'Edward Bulwer-Lytton, Richelieu (1839)',
      ],
      [
        'It was the best of times, it was the worst of times.',
        'Charles Dickens, A Tale of Two Cities (1859)',
      ],
      [
        "Truth is stranger than fiction, but it is because Fiction is obliged\nto stick to possibilities; Truth isn't.",
        'Mark Twain, Following the Equator (1897)',
      ],
      [
        'Man is the Only Animal that Blushes. Or needs to.',
        'Mark Twain, Following the Equator (1897)',
      ],
      [
        'No man is an island, entire of itself; every man is a piece of the\ncontinent, a part of the main.',
        'John Donne, Devotions upon Emergent Occasions (1624)',
      ],
      [
        'Whatever is worth doing at all, is worth doing well.',
        'Lord Chesterfield, Letters to His Son (1746)',
      ],
      [
        'Those who cannot remember the past are condemned to repeat it.',
        'George Santayana, The Life of Reason (1905)',
      ],
      [
        "'Tis better to have loved and lost\nThan never to have loved at all.",
        'Alfred Tennyson, In Memoriam A.H.H. (1850)',
      ],
      ['A thing of beauty is a joy for ever.', 'John Keats, Endymion (1818)'],
      [
        'Water, water, every where,\nNor any drop to drink.',
        'Samuel Taylor Coleridge, The Rime of the Ancient Mariner (1798)',
      ],
      ['The Child is father of the Man.', 'William Wordsworth, My Heart Leaps Up (1807)'],
      ['I think, therefore I am.', 'Rene Descartes, Discourse on the Method (1637)'],
      ['The unexamined life is not worth living.', "Socrates, in Plato's Apology"],
      ['Man is by nature a political animal.', 'Aristotle, Politics'],
      ['A journey of a thousand li begins with a single step.', 'Laozi, Tao Te Ching, chapter 64'],
      ['Fortune favours the brave.', 'Terence, Phormio (161 BC)'],
    ] as const
  ).map(([text, source]) => `${text}\n\t-- ${source}`),
);
