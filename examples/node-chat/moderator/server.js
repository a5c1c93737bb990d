// The chat showcase's second service: /moderator/clean masks blocked words. The chat service
// calls it for every message, through the Lever client, wherever its instances run.
const BLOCKED_WORDS = ['spam', 'darn', 'heck'];
const BLOCKED = new RegExp('\\b(' + BLOCKED_WORDS.join('|') + ')\\b', 'gi');

/** The text with each blocked word (any case, whole words) replaced by as many '*'. */
async function clean(text) {
  return String(text).replace(BLOCKED, (word) => '*'.repeat(word.length));
}

async function blockedWords() {
  return BLOCKED_WORDS;
}

module.exports = { clean, blockedWords };
