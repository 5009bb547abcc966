// Package prompts holds the LLM prompt templates and the JSON schema of the
// model's answer, embedded and versioned. The LLM engine for the grey zone
// lands in its own issue; the heuristic classifier does not use it.
package prompts
