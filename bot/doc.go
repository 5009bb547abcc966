// Package bot is the Telegram adapter: it routes updates, handles commands
// and buttons, renders replies and owns the outbound send queue. It depends
// on the classifier, never the reverse. It is built in the private-chat bot
// issue; until then `scamguard bot` says so and exits.
package bot
