// Package prompts holds the LLM prompt templates and the JSON schema of the
// model's answer, embedded and versioned, reviewed like code. The llm
// package fills them; nothing here calls a model.
//
// Changing a file changes what the model is asked, so it changes Version
// too: the answer cache is keyed by Version, and TestVersionPinsTheFiles
// fails until the new digest is recorded next to a new Version.
package prompts
