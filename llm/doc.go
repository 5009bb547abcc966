// Package llm is the grey-zone stage of the classifier: it asks an
// OpenAI-compatible model (go-openai) about conversations the heuristics
// are unsure of, and combines the answer with the heuristic verdict.
//
// The model reads text written by strangers, so it is treated as a
// witness that can be talked into anything:
//
//   - only the scrubbed window (numbers, e-mails, handles, names and link
//     paths replaced by typed placeholders) and the heuristic signal ids
//     are sent, inside data delimiters with a per-request random tag, and
//     the instructions say that the data is never instructions
//     (spotlighting);
//   - the answer must be strict JSON with exactly the schema's fields,
//     catalog slugs and ids, and the per-request canary; anything else is
//     a failed call, never a verdict;
//   - the answer may raise or explain a verdict, and lower one only inside
//     the grey zone, never a hard stop, and never when the conversation
//     speaks to the classifier (injection cues);
//   - a failed, slow, rate-limited or over-budget call leaves the
//     heuristic verdict, within Config.Timeout.
//
// Nothing here talks to Redis: the cache and the budget are small
// interfaces with in-process implementations and adapters over the store.
package llm
